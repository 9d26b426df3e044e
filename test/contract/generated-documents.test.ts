import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import {
  generatedDocuments,
  REPOSITORY_ROOT,
  type GeneratedDocument,
} from '../../scripts/contract/generated-documents';
import { DELETION_API_OPENAPI_PATH } from '../../scripts/contract/deletion-api-openapi';
import { KAFKA_MESSAGES, kafkaSchemaPath } from '../../scripts/contract/kafka-schemas';
import { REGISTRY_OPENAPI_PATH } from '../../scripts/contract/registry-openapi';
import { SERVICE_OPENAPI_PATH } from '../../scripts/contract/service-openapi';
import { contractExamples } from './contract-examples';

/** The checked-in JSON Schemas and OpenAPI documents say what the code says, and the docs' examples obey them. */

const FIX = 'run `npm run contract:generate` and commit the result';
const PATHS = [
  ...KAFKA_MESSAGES.map(kafkaSchemaPath),
  SERVICE_OPENAPI_PATH,
  REGISTRY_OPENAPI_PATH,
  DELETION_API_OPENAPI_PATH,
];
const OPENAPI = {
  'service-deletion': SERVICE_OPENAPI_PATH,
  registry: REGISTRY_OPENAPI_PATH,
  'deletion-api': DELETION_API_OPENAPI_PATH,
};

let generated: Map<string, GeneratedDocument>;

beforeAll(async () => {
  generated = new Map((await generatedDocuments()).map((document) => [document.path, document]));
});

async function checkedIn(file: string): Promise<string | undefined> {
  return readFile(path.join(REPOSITORY_ROOT, file), 'utf8').catch(() => undefined);
}

async function jsonFilesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(path.join(REPOSITORY_ROOT, folder), { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
    .map((entry) => path.relative(REPOSITORY_ROOT, path.join(entry.parentPath, entry.name)));
}

/** Strict: a schema keyword ajv does not know fails the test instead of being ignored. */
function validator() {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  return ajv;
}

describe('the generated contract documents', () => {
  it('are exactly the files the generator writes', () => {
    expect([...generated.keys()].sort()).toEqual([...PATHS].sort());
  });

  it.each(PATHS)('%s is checked in as the code generates it', async (file) => {
    const text = await checkedIn(file);
    if (text === undefined) throw new Error(`${file} is missing: ${FIX}`);
    if (text !== generated.get(file)?.text) throw new Error(`${file} differs from the code: ${FIX}`);
  });

  it('leave no stale document under docs/contract', async () => {
    const stale = (await jsonFilesUnder('docs/contract')).filter((file) => !PATHS.includes(file));
    expect(stale).toEqual([]);
  });

  it('are valid JSON Schemas (draft 2020-12) for a standard validator, OpenAPI components included', () => {
    const schemas = [
      ...KAFKA_MESSAGES.map((message) => JSON.parse(generated.get(kafkaSchemaPath(message))!.text)),
      ...Object.values(OPENAPI).flatMap((file) =>
        Object.values(JSON.parse(generated.get(file)!.text).components.schemas),
      ),
    ];
    for (const schema of schemas) expect(() => validator().compile(schema as object)).not.toThrow();
  });
});

describe("docs/contract.md's examples", () => {
  const examples = contractExamples();

  it('show every Kafka message at least once', () => {
    const shown = new Set(examples.map((example) => example.of));
    expect(KAFKA_MESSAGES.map((message) => `kafka/${message.name}`).filter((of) => !shown.has(of))).toEqual([]);
  });

  const kafka = examples.filter((example) => example.of.startsWith('kafka/'));
  const http = examples.filter((example) => !example.of.startsWith('kafka/'));

  it.each(kafka.map((example) => [example.of, example.value] as const))(
    'example of %s obeys its published JSON Schema and its zod schema',
    async (of, value) => {
      const message = KAFKA_MESSAGES.find((candidate) => `kafka/${candidate.name}` === of);
      if (!message) throw new Error(`docs/contract.md names an unknown Kafka message ${of}`);
      const validate = validator().compile(JSON.parse((await checkedIn(kafkaSchemaPath(message)))!));
      expect({ valid: validate(value), errors: validate.errors ?? null }).toEqual({ valid: true, errors: null });
      expect(message.schema.safeParse(value).error?.issues ?? []).toEqual([]);
    },
  );

  it.each(http.map((example) => [example.of, example.value] as const))(
    'example of %s obeys its OpenAPI component schema',
    async (of, value) => {
      const [kind, document, component] = of.split('/');
      const file = OPENAPI[document as keyof typeof OPENAPI];
      if (kind !== 'http' || !file) throw new Error(`docs/contract.md names an unknown example kind ${of}`);
      const schema = JSON.parse((await checkedIn(file))!).components.schemas[component];
      if (!schema) throw new Error(`${file} has no component schema ${component} (example ${of})`);
      const validate = validator().compile(schema);
      expect({ valid: validate(value), errors: validate.errors ?? null }).toEqual({ valid: true, errors: null });
    },
  );
});
