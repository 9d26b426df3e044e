import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as babel from 'prettier/plugins/babel';
import * as estree from 'prettier/plugins/estree';
import { format } from 'prettier/standalone';
import { DELETION_API_OPENAPI_PATH, deletionApiDocument } from './deletion-api-openapi';
import { KAFKA_MESSAGES, kafkaSchemaDocument, kafkaSchemaPath } from './kafka-schemas';
import { REGISTRY_OPENAPI_PATH, registryDocument } from './registry-openapi';
import { SERVICE_OPENAPI_PATH, serviceDeletionDocument } from './service-openapi';

/** Every machine-readable contract document, as the files hold them (paths from the repository root). */

export const REPOSITORY_ROOT = path.resolve(__dirname, '..', '..');

export interface GeneratedDocument {
  path: string;
  text: string;
}

/**
 * Formatted with the repository's prettier settings, so that `prettier --check .` agrees with the generator.
 * Prettier's standalone build, because its main entry loads plugins through a dynamic import() Jest cannot run.
 */
async function asFile(file: string, document: unknown, options: object): Promise<GeneratedDocument> {
  const text = await format(JSON.stringify(document), { ...options, parser: 'json', plugins: [babel, estree] });
  return { path: file, text };
}

export async function generatedDocuments(): Promise<GeneratedDocument[]> {
  const options = JSON.parse(await readFile(path.join(REPOSITORY_ROOT, '.prettierrc.json'), 'utf8'));
  const documents: [string, unknown][] = [
    ...KAFKA_MESSAGES.map((message): [string, unknown] => [kafkaSchemaPath(message), kafkaSchemaDocument(message)]),
    [SERVICE_OPENAPI_PATH, serviceDeletionDocument()],
    [REGISTRY_OPENAPI_PATH, registryDocument()],
    [DELETION_API_OPENAPI_PATH, deletionApiDocument()],
  ];
  return Promise.all(documents.map(([file, document]) => asFile(file, document, options)));
}
