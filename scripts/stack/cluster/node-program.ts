import fs from 'node:fs';
import path from 'node:path';
import type { StackPaths } from '../../../common/stack-paths';
import type { Component, Health } from '../component';
import { runningPid, startDaemon, stopDaemon, waitWhileRunning } from '../daemon';
import { refuseHeldPorts } from '../ports';
import { StackError } from '../stack-error';

/** One of the orchestrator's own programs run by the cluster profile as a daemon, like a pod of a Deployment. */
export interface NodeProgram {
  name: string;
  /** The entry file, relative to the repository. */
  entry: string;
  args?: string[];
  env?: NodeJS.ProcessEnv;
  port: number;
  /** The path on `port` answering 200 while the program is healthy. */
  healthPath: string;
  /** A line the program logs once it does its work (listening alone is not that, for a worker). */
  readyLine?: string;
  describe: string;
  /** How long a stop waits for a drain before SIGKILL. */
  graceMs: number;
}

export function nodeProgramComponent(paths: StackPaths, program: NodeProgram): Component {
  const { name, port } = program;
  const logFile = path.join(paths.logDir, `cluster-${name}.log`);
  const pidFile = path.join(paths.stateDir, 'cluster', 'programs', `${name}.pid`);
  // The entry plus its arguments tell the worker groups apart in /proc/<pid>/cmdline; the pid file tells the rest.
  const daemon = { pidFile, signature: [program.entry, ...(program.args ?? [])].join(' '), logFile };
  const address = `localhost:${port}`;
  const url = `http://localhost:${port}${program.healthPath}`;

  async function health(): Promise<Health> {
    const pid = runningPid(daemon);
    if (pid === undefined) return { healthy: false, detail: 'not running' };
    const ok = await fetch(url, { signal: AbortSignal.timeout(3_000) }).then(
      (response) => response.ok,
      () => false,
    );
    return ok
      ? { healthy: true, detail: `pid ${pid}, ${program.describe}` }
      : { healthy: false, detail: `pid ${pid}, ${url} does not answer 200` };
  }

  function loggedSince(offset: number): string {
    try {
      return fs.readFileSync(logFile, 'utf8').slice(offset);
    } catch {
      return '';
    }
  }

  return {
    name,
    address,
    logFile,
    async install() {},
    async start() {
      if (runningPid(daemon) !== undefined) return;
      await refuseHeldPorts(name, [port]);
      const offset = fs.existsSync(logFile) ? fs.statSync(logFile).size : 0;
      // One process (no npm or tsx wrapper), so the pid file names the program that a stop or a chaos kill must end.
      startDaemon({
        ...daemon,
        command: process.execPath,
        args: ['--import', 'tsx', program.entry, ...(program.args ?? [])],
        cwd: paths.repoDir,
        env: { ...process.env, ...program.env },
      });
      const ready = await waitWhileRunning(
        name,
        daemon,
        async () => (await health()).healthy && (!program.readyLine || loggedSince(offset).includes(program.readyLine)),
        90_000,
      );
      if (!ready) throw new StackError(name, `not ready within 90 s: ${(await health()).detail}`, logFile);
    },
    health,
    async stop() {
      await stopDaemon(daemon, program.graceMs);
    },
    async purge() {},
  };
}
