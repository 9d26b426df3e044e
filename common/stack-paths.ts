import os from 'node:os';
import path from 'node:path';

/**
 * Where the stack keeps downloads (cache, shared by every clone on the machine) and data
 * (state). Both live outside the work tree so a fresh clone, as CI makes, reuses them.
 */
export interface StackPaths {
  cacheDir: string;
  stateDir: string;
  logDir: string;
  repoDir: string;
}

export function stackPaths(env: NodeJS.ProcessEnv = process.env): StackPaths {
  const home = os.homedir();
  const cacheDir = env.TDEL_CACHE_DIR || path.join(env.XDG_CACHE_HOME || path.join(home, '.cache'), 'tenant-deletion');
  const stateDir =
    env.TDEL_STATE_DIR || path.join(env.XDG_STATE_HOME || path.join(home, '.local', 'state'), 'tenant-deletion');
  return {
    cacheDir,
    stateDir,
    logDir: path.join(stateDir, 'logs'),
    repoDir: path.resolve(__dirname, '..'),
  };
}
