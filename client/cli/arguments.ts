import { Argument, InvalidArgumentError, Option } from 'commander';
import type { z } from 'zod';
import { DELETION_STATUSES, identifier } from '@tenant-deletion/contract';
import { usageError } from './exit-codes';

/** Arguments and options shared by several commands, validated as commander parses them (bad → exit 2). */

function check(schema: z.ZodType<string>, what: string) {
  return (value: string): string => {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new InvalidArgumentError(`${what} ${parsed.error.issues[0].message}.`);
    return parsed.data;
  };
}

export const parseIdentifier = (what: string) => check(identifier, what);

export function tenantArgument(): Argument {
  return new Argument('<tenantId>', 'the tenant (1-64 characters of A-Z a-z 0-9 . _ : -)').argParser(
    parseIdentifier('tenantId'),
  );
}

/** `--instance <id>`, repeatable: each use adds one service instance. */
export function instanceOption(description: string): Option {
  const parse = parseIdentifier('serviceInstanceId');
  return new Option('-i, --instance <id>', `${description} (repeat for more)`).argParser(
    (value: string, previous: string[] | undefined) => [...(previous ?? []), parse(value)],
  );
}

export function statusOption(): Option {
  return new Option('-s, --status <status>', 'only deletions in this DeletionStatus').choices(DELETION_STATUSES);
}

export function jsonOption(): Option {
  return new Option('--json', 'print one JSON document on stdout instead of text');
}

export function positiveIntegerParser(what: string, max: number) {
  return (value: string): number => {
    if (!/^\d{1,9}$/.test(value) || Number(value) < 1 || Number(value) > max) {
      throw new InvalidArgumentError(`${what} must be a whole number from 1 to ${max}.`);
    }
    return Number(value);
  };
}

/** Examples for `--help`, one command per line, indented as commander indents its own sections. */
export function examples(lines: [command: string, what: string][]): string {
  const width = Math.max(...lines.map(([command]) => command.length));
  return `\nExamples:\n${lines.map(([command, what]) => `  $ ${command.padEnd(width)}  # ${what}`).join('\n')}\n`;
}

/** What a command builds from its arguments, checked against the contract's schema: bad → exit 2, each problem named. */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, what: string, command: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || what} ${issue.message}`);
  throw usageError(`invalid ${what}: ${problems.join('; ')}`, `see \`tdel ${command} --help\``);
}
