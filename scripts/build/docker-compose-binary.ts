import path from 'node:path';
import { stackPaths } from '../../common/stack-paths';

/** Which docker compose scripts/build/compose-cli.ts builds, and where it puts it. */

export const COMPOSE_MODULE = 'github.com/docker/compose/v2';
export const COMPOSE_VERSION = 'v2.40.3';
/** The go directive of that tag's go.mod. */
export const COMPOSE_GO = '1.24.9';

export function composeBinary(cacheDir = stackPaths().cacheDir): string {
  return path.join(cacheDir, 'bin', 'docker-compose');
}
