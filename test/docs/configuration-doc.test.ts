import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { ConfigSource } from '../../scripts/docs/config-sources';
import { configurationTables, UndescribedSettingError } from '../../scripts/docs/config-tables';
import { CONFIGURATION_DOC, renderConfigurationDoc } from '../../scripts/docs/configuration-doc';
import { generatedBlock } from '../../scripts/docs/generated-block';

const source = (schema: z.ZodType): ConfigSource => ({
  title: 'Sample',
  file: 'sample/config.ts',
  intro: 'A sample.',
  kind: 'file',
  schema,
});

describe('docs/configuration.md', () => {
  it('holds the tables the config schemas generate today', async () => {
    const checkedIn = generatedBlock(
      fs.readFileSync(path.resolve(__dirname, '../..', CONFIGURATION_DOC), 'utf8'),
      CONFIGURATION_DOC,
    );
    const generated = generatedBlock(await renderConfigurationDoc(), CONFIGURATION_DOC);
    const verdict =
      checkedIn === generated
        ? 'up to date'
        : `${CONFIGURATION_DOC} differs from the config schemas: run \`npm run docs:configuration\` and commit it`;
    expect(verdict).toBe('up to date');
  });
});

describe('configurationTables', () => {
  it('writes each key with its default and its description, nested keys by their dotted path', () => {
    const schema = z.object({
      port: z.number().default(8081).describe('Where it listens.'),
      retry: z.object({ maxAttempts: z.number().default(8).describe('Attempts | the first included.') }),
      token: z.string().optional().describe('A bearer token.'),
      enabled: z
        .enum(['true', 'false'])
        .transform((value) => value === 'true')
        .default(false)
        .describe('On or off.'),
    });
    const rows = configurationTables([source(schema)])
      .split('\n')
      .filter((line) => line.startsWith('| `'));
    expect(rows).toEqual([
      '| `port` | `8081` | Where it listens. |',
      '| `retry.maxAttempts` | `8` | Attempts \\| the first included. |',
      '| `token` | none | A bearer token. |',
      '| `enabled` | `false` | On or off. |',
    ]);
  });

  it('refuses a key without a description, naming it', () => {
    const schema = z.object({ limits: z.object({ described: z.number().describe('Yes.'), bare: z.number() }) });
    expect(() => configurationTables([source(schema)])).toThrow(UndescribedSettingError);
    expect(() => configurationTables([source(schema)])).toThrow(
      'sample/config.ts: limits.bare has no .describe() text',
    );
  });
});
