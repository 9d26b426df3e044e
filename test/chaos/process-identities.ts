import { spawnSync } from 'node:child_process';
import os from 'node:os';

/**
 * The Temporal identities a started program can have: every process of its process group (npm, the shell, tsx and
 * the node process that runs the client or worker) as `<pid>@<host>`, the SDK's default identity. Histories and
 * pending activities name the identity that acted, so the run can tell its killed bridge or worker from its
 * successor, and from any other client of the shared server.
 */
export function processIdentities(processGroupId: number): Set<string> {
  const found = spawnSync('pgrep', ['-g', String(processGroupId)], { encoding: 'utf8' });
  const pids = found.stdout.split('\n').filter((line) => /^\d+$/.test(line.trim()));
  return new Set([processGroupId, ...pids.map(Number)].map((pid) => `${pid}@${os.hostname()}`));
}
