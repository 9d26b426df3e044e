import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { composeBinary } from '../../scripts/build/docker-compose-binary';

/**
 * The Compose Specification's JSON schema as docker compose validates with it: the one in compose-go, at the
 * version docker compose v2.40.3 builds with, fetched from the Go module proxy into the module cache (no Docker
 * here). And `docker compose` itself when this machine has one: Docker's plugin, or one built into the project's
 * cache by `npx tsx scripts/build/compose-cli.ts`.
 */

const COMPOSE_GO = 'github.com/compose-spec/compose-go/v2@v2.9.1';

export function composeSchema(): object {
  const result = spawnSync('go', ['mod', 'download', '-json', COMPOSE_GO], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`go mod download ${COMPOSE_GO} failed: ${result.stderr || result.stdout}`);
  const dir = JSON.parse(result.stdout).Dir as string;
  const schema = JSON.parse(fs.readFileSync(path.join(dir, 'schema', 'compose-spec.json'), 'utf8'));
  // It names draft-07 by its https address, which Ajv does not know; Ajv's default dialect is draft-07 itself.
  delete schema.$schema;
  return schema;
}

/** The command that runs `docker compose`, or undefined when this machine has none. */
export function dockerCompose(): string[] | undefined {
  if (spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0) return ['docker', 'compose'];
  const built = composeBinary();
  return fs.existsSync(built) ? [built] : undefined;
}
