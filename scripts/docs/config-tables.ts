import { z } from 'zod';
import type { ConfigSource } from './config-sources';

/**
 * Markdown tables of settings, from the JSON Schema of each source's input (what a user writes): one row per
 * described key. A default given after a transform is an output value, which the input's JSON Schema leaves out
 * (`flag.default(false)` for the variable `'true' | 'false'`), so it is taken from the output's. An object without a description of its own is a group whose keys are
 * rows; any other key must carry a `.describe()` text, so that no setting goes undocumented.
 */

type JsonSchema = z.core.JSONSchema.JSONSchema;

export class UndescribedSettingError extends Error {
  constructor(file: string, key: string) {
    super(`${file}: ${key} has no .describe() text; add one to its schema, then run npm run docs:configuration`);
    this.name = 'UndescribedSettingError';
  }
}

interface Row {
  name: string;
  default: unknown;
  meaning: string;
}

export function configurationTables(sources: readonly ConfigSource[]): string {
  return sources.map(sourceSection).join('\n');
}

function sourceSection(source: ConfigSource): string {
  const input = z.toJSONSchema(source.schema, { io: 'input', unrepresentable: 'any' });
  const output = z.toJSONSchema(source.schema, { io: 'output', unrepresentable: 'any' });
  const rows = rowsOf(input, output, [], source);
  return [
    `## ${source.title}`,
    '',
    `${source.intro} Schema: [${source.file}](../${source.file}).`,
    '',
    `| ${source.kind === 'environment' ? 'variable' : 'key'} | default | meaning |`,
    '| --- | --- | --- |',
    ...rows.map((row) => `| \`${row.name}\` | ${defaultText(row.default)} | ${cell(row.meaning)} |`),
    '',
  ].join('\n');
}

function rowsOf(input: JsonSchema, output: JsonSchema | undefined, path: string[], source: ConfigSource): Row[] {
  return Object.entries(input.properties ?? {}).flatMap(([key, property]) => {
    const keyPath = [...path, key];
    if (typeof property === 'boolean') throw new UndescribedSettingError(source.file, keyPath.join('.'));
    const outputProperty = output?.properties?.[key];
    const outputSchema = typeof outputProperty === 'object' ? outputProperty : undefined;
    if (property.description !== undefined) {
      const byDefault = property.default ?? outputSchema?.default;
      return [{ name: keyPath.join('.'), default: byDefault, meaning: property.description }];
    }
    if (property.properties !== undefined) return rowsOf(property, outputSchema, keyPath, source);
    throw new UndescribedSettingError(source.file, keyPath.join('.'));
  });
}

function defaultText(value: unknown): string {
  if (value === undefined) return 'none';
  // A list default is written as its variable is: comma-separated.
  const text = Array.isArray(value) && value.every((item) => typeof item === 'string') ? value.join(',') : value;
  return `\`${typeof text === 'string' ? text : JSON.stringify(text)}\``;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}
