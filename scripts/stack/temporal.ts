import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { missingSearchAttributes } from '../../common/search-attribute-check';
import { SEARCH_ATTRIBUTES } from '@tenant-deletion/contract';
import type { Component, Health } from './component';
import { runLogged, runningPid, startDaemon, stopDaemon, waitWhileRunning } from './daemon';
import type { StackPaths } from '../../common/stack-paths';
import { DEFAULT_CODEC_SERVER_PORT } from '../../common/codec-server-port';
import { isPortOpen, refuseHeldPorts } from './ports';
import { StackError } from './stack-error';
import { goCommand, type GoCommand } from './go-toolchain';

/** Newer tags carry a replace directive that `go install` refuses, so this one is pinned. */
export const TEMPORAL_CLI_VERSION = '1.5.1';
/** The go directive of that tag's go.mod: the oldest Go that builds it. */
const TEMPORAL_CLI_GO = '1.25.0';
const FRONTEND_PORT = 7233;
const UI_PORT = 8233;
const NAMESPACE = 'default';
/** The Web UI decodes payloads through `npm run codec-server`, which must run for it to show readable values. */
export const LOCAL_CODEC_ENDPOINT = `http://localhost:${DEFAULT_CODEC_SERVER_PORT}`;

export function temporalBinary(paths: StackPaths): string {
  return path.join(paths.cacheDir, 'bin', 'temporal');
}

export function temporalComponent(paths: StackPaths): Component {
  const name = 'temporal';
  const binary = temporalBinary(paths);
  const dataDir = path.join(paths.stateDir, 'temporal');
  const logFile = path.join(paths.logDir, 'temporal.log');
  const daemon = { pidFile: path.join(dataDir, 'temporal.pid'), signature: 'start-dev', logFile };
  const address = `localhost:${FRONTEND_PORT}`;

  // `go install` builds report 0.0.0-DEV as their version, so the pinned tag is recorded beside the binary.
  const versionFile = `${binary}.version`;
  function installedVersion(): string | undefined {
    if (!fs.existsSync(binary) || !fs.existsSync(versionFile)) return undefined;
    return fs.readFileSync(versionFile, 'utf8').trim();
  }

  /** A server started before the UI had a codec endpoint keeps running without one until it is restarted. */
  async function codecEndpointNote(): Promise<string> {
    const endpoint = await fetch(`http://localhost:${UI_PORT}/api/v1/settings`)
      .then((response) => response.json() as Promise<{ Codec?: { Endpoint?: string } }>)
      .then((settings) => settings.Codec?.Endpoint ?? '')
      .catch(() => '');
    return endpoint === LOCAL_CODEC_ENDPOINT
      ? `codec endpoint ${endpoint} (npm run codec-server)`
      : `no codec endpoint: restart Temporal (stack:down, stack:up) for the UI to decode through ${LOCAL_CODEC_ENDPOINT}`;
  }

  async function health(): Promise<Health> {
    if (!(await isPortOpen(FRONTEND_PORT))) return { healthy: false, detail: `nothing listens on ${address}` };
    let connection: Connection | undefined;
    try {
      // The stack's own dev server: plaintext on localhost, whatever TEMPORAL_* point other programs at.
      connection = await Connection.connect({ address, connectTimeout: '3s' });
      const missing = await missingSearchAttributes(connection, NAMESPACE);
      if (missing.length > 0) return { healthy: false, detail: `search attributes: ${missing.join('; ')}` };
      const ui = await fetch(`http://localhost:${UI_PORT}/`).then(
        (response) => response.ok,
        () => false,
      );
      if (!ui) return { healthy: false, detail: `Web UI does not answer at http://localhost:${UI_PORT}` };
      return {
        healthy: true,
        detail:
          `Web UI http://localhost:${UI_PORT}, ${Object.keys(SEARCH_ATTRIBUTES).length} search attributes, ` +
          (await codecEndpointNote()),
      };
    } catch (error) {
      return { healthy: false, detail: `frontend does not answer: ${(error as Error).message}` };
    } finally {
      await connection?.close();
    }
  }

  return {
    name,
    address,
    logFile,
    async install() {
      if (installedVersion() === TEMPORAL_CLI_VERSION) return;
      let go: GoCommand;
      try {
        go = goCommand(TEMPORAL_CLI_GO, paths.cacheDir, logFile);
      } catch (error) {
        throw new StackError(name, `cannot build the Temporal CLI: ${(error as Error).message}`, logFile);
      }
      console.log(`${name}: building the Temporal CLI v${TEMPORAL_CLI_VERSION} with ${go.how} (first time only)`);
      try {
        runLogged(go.command, ['install', `github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}`], logFile, {
          ...go.env,
          CGO_ENABLED: '0',
          GOBIN: path.dirname(binary),
        });
      } catch (error) {
        throw new StackError(name, `go install failed: ${(error as Error).message}`, logFile);
      }
      fs.writeFileSync(versionFile, `${TEMPORAL_CLI_VERSION}\n`);
    },
    async start() {
      if (runningPid(daemon) !== undefined) return;
      await refuseHeldPorts(name, [FRONTEND_PORT, UI_PORT]);
      fs.mkdirSync(dataDir, { recursive: true });
      const searchAttributes = Object.entries(SEARCH_ATTRIBUTES).flatMap(([attribute, type]) => [
        '--search-attribute',
        `${attribute}=${type}`,
      ]);
      const pid = startDaemon({
        ...daemon,
        command: binary,
        args: [
          'server',
          'start-dev',
          '--ip',
          '127.0.0.1',
          '--port',
          String(FRONTEND_PORT),
          '--ui-port',
          String(UI_PORT),
          '--ui-codec-endpoint',
          LOCAL_CODEC_ENDPOINT,
          '--db-filename',
          path.join(dataDir, 'temporal.db'),
          // SQLite's default rollback journal syncs the disk several times per transaction, and every workflow task
          // is one: that, not CPU, capped the local stack's throughput. WAL with NORMAL sync survives a killed
          // server process (the chaos suite kills it); only a power cut could lose the last transactions.
          '--sqlite-pragma',
          'journal_mode=wal',
          '--sqlite-pragma',
          'synchronous=normal',
          '--namespace',
          NAMESPACE,
          '--log-level',
          'warn',
          ...searchAttributes,
        ],
      });
      const ready = await waitWhileRunning(name, daemon, async () => (await health()).healthy, 60_000);
      if (!ready) {
        throw new StackError(
          name,
          `pid ${pid} started but was not healthy within 60 s: ${(await health()).detail}`,
          logFile,
        );
      }
    },
    health,
    async stop() {
      await stopDaemon(daemon);
    },
    async purge() {
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
