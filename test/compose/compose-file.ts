import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { z } from 'zod';
import { apiConfigSchema } from '../../client/api/api-config';
import { identityConfigSchema } from '../../client/authorization/identity-config';
import { bridgeConfigSchema } from '../../client/bridge/bridge-config';
import { codecServerConfigSchema } from '../../client/codec-server/codec-server-config';
import { SIGNING_KEY_VARIABLE } from '../../common/certificates/signing-key';
import { codecEnvSchema } from '../../common/codec-keys';
import { configSchema } from '../../common/config';
import { workerEnvironmentSchema } from '../../workers/worker-environment';
import { TRACING_VARIABLES } from '../../common/telemetry/tracing';

/** docker-compose.yml as docker compose reads it (`<<:` merges applied), and what its services run. */

export const COMPOSE_FILE = path.resolve(__dirname, '../../docker-compose.yml');

export interface HealthCheck {
  test?: string[];
  disable?: boolean;
}

export interface ComposeService {
  image?: string;
  build?: string;
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string | number>;
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: HealthCheck;
  restart?: string;
  network_mode?: string;
  profiles?: string[];
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
}

export function readCompose(): ComposeFile {
  return parse(fs.readFileSync(COMPOSE_FILE, 'utf8'), { merge: true });
}

/** The variables each compiled program reads, by the schemas it parses its environment with. */
export const PROGRAM_SCHEMAS: Record<string, z.ZodType[]> = {
  'dist/workers/main.js': [configSchema, codecEnvSchema, workerEnvironmentSchema],
  'dist/client/bridge/main.js': [configSchema, codecEnvSchema, bridgeConfigSchema, identityConfigSchema],
  'dist/client/api/main.js': [configSchema, codecEnvSchema, identityConfigSchema, apiConfigSchema],
  'dist/client/codec-server/main.js': [codecEnvSchema, codecServerConfigSchema],
  'dist/db/cli.js': [configSchema],
  'dist/scripts/keys/init.js': [],
  'dist/scripts/fleet/run.js': [configSchema],
  'dist/scripts/fleet/seed-cli.js': [configSchema],
};

/**
 * Variables a program reads outside its schemas: the certificate key's path (common/certificates/signing-key.ts) and,
 * in the programs that trace, OpenTelemetry's (common/telemetry/tracing.ts).
 */
export const PROGRAM_VARIABLES: Record<string, string[]> = {
  'dist/workers/main.js': [SIGNING_KEY_VARIABLE, ...TRACING_VARIABLES],
  'dist/client/bridge/main.js': [...TRACING_VARIABLES],
  'dist/client/api/main.js': [...TRACING_VARIABLES],
  'dist/scripts/fleet/run.js': [...TRACING_VARIABLES],
};

/** Every variable a program reads. */
export function variablesRead(program: string): Set<string> {
  return new Set([...(PROGRAM_SCHEMAS[program] ?? []).flatMap(variablesOf), ...(PROGRAM_VARIABLES[program] ?? [])]);
}

/** An object schema's keys, through the refinements and transforms wrapped around it. */
export function variablesOf(schema: z.ZodType): string[] {
  let current = schema as unknown as { shape?: object; _zod: { def: Record<string, unknown> } };
  while (!current.shape) {
    const { def } = current._zod;
    current = (def.in ?? def.innerType ?? def.schema) as typeof current;
    if (!current) throw new Error('not an object schema');
  }
  return Object.keys(current.shape);
}

/** The `node dist/...` program a service runs (through its command or its entrypoint), if it runs one. */
export function programOf(service: ComposeService): { program: string; args: string[] } | undefined {
  const argv = [...(service.entrypoint ?? []), ...(service.command ?? [])];
  const node = argv.indexOf('node');
  if (node < 0 || !argv[node + 1]?.startsWith('dist/')) return undefined;
  return { program: argv[node + 1], args: argv.slice(node + 2) };
}

/** One-shot services: nothing waits for them to be healthy, only to have completed. */
export function isOneShot(service: ComposeService): boolean {
  return service.restart === 'no' || service.restart === 'on-failure';
}

/** `volume:/path[:ro]` → its parts. */
export function mountsOf(service: ComposeService): { volume: string; target: string; readOnly: boolean }[] {
  return (service.volumes ?? []).map((entry) => {
    const [volume, target, mode] = entry.split(':');
    return { volume, target, readOnly: mode === 'ro' };
  });
}

/** The port a healthcheck's `fetch('http://127.0.0.1:<port>/<path>')` asks, and the path. */
export function probedUrl(check: HealthCheck | undefined): URL | undefined {
  const script = check?.test?.join(' ') ?? '';
  const match = /fetch\('([^']+)'\)/.exec(script);
  return match ? new URL(match[1]) : undefined;
}
