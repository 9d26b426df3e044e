import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { stackPaths } from '../../common/stack-paths';
import { runLogged } from '../stack/daemon';
import { goCommand } from '../stack/go-toolchain';
import { COMPOSE_GO, COMPOSE_MODULE, COMPOSE_VERSION, composeBinary } from './docker-compose-binary';

/**
 * `npx tsx scripts/build/compose-cli.ts`: builds docker compose from its Go module into the project's cache
 * (`bin/docker-compose`), so that test/compose/docker-compose.test.ts runs `docker compose config` on a machine
 * without Docker; `config` needs no daemon. `go install module@version` refuses this module (its go.mod has
 * exclude directives), so its source in the module cache is built in place. Takes minutes; done once.
 */

function main(): void {
  const { cacheDir, logDir } = stackPaths();
  const binary = composeBinary(cacheDir);
  const versionFile = `${binary}.version`;
  if (fs.existsSync(binary) && fs.readFileSync(versionFile, 'utf8').trim() === COMPOSE_VERSION) {
    console.log(`docker compose ${COMPOSE_VERSION} is built: ${binary}`);
    return;
  }
  const logFile = path.join(logDir, 'docker-compose-build.log');
  const go = goCommand(COMPOSE_GO, cacheDir, logFile);
  const download = spawnSync(go.command, ['mod', 'download', '-json', `${COMPOSE_MODULE}@${COMPOSE_VERSION}`], {
    encoding: 'utf8',
    env: go.env,
  });
  if (download.status !== 0)
    throw new Error(`go mod download ${COMPOSE_MODULE}@${COMPOSE_VERSION}: ${download.stdout}`);
  const source = JSON.parse(download.stdout).Dir as string;
  console.log(`building docker compose ${COMPOSE_VERSION} with ${go.how} (log: ${logFile})`);
  runLogged(go.command, ['build', '-C', source, '-o', binary, './cmd'], logFile, go.env);
  fs.writeFileSync(versionFile, `${COMPOSE_VERSION}\n`);
  console.log(`docker compose ${COMPOSE_VERSION}: ${binary}`);
}

try {
  main();
} catch (error) {
  console.error(`compose-cli: ${(error as Error).message}`);
  process.exit(1);
}
