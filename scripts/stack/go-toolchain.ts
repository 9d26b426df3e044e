import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { runLogged } from './daemon';

type Version = [major: number, minor: number, patch: number];

/** `go version go1.19.8 linux/amd64` → [1, 19, 8]; undefined for anything else. */
export function parseGoVersion(text: string): Version | undefined {
  const match = /\bgo(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)] : undefined;
}

export function atLeast(version: Version, minimum: Version): boolean {
  for (let i = 0; i < 3; i += 1) if (version[i] !== minimum[i]) return version[i] > minimum[i];
  return true;
}

/** Go 1.21 is the first that fetches a newer toolchain itself when GOTOOLCHAIN names one. */
const SWITCHES_TOOLCHAINS: Version = [1, 21, 0];

/** What to do with the Go found on PATH (undefined: none) to build code needing `minimum`. */
export function toolchainPlan(
  onPath: Version | undefined,
  minimum: Version,
): 'missing' | 'local' | 'switch' | 'download' {
  if (!onPath) return 'missing';
  if (atLeast(onPath, minimum)) return 'local';
  return atLeast(onPath, SWITCHES_TOOLCHAINS) ? 'switch' : 'download';
}

export interface GoCommand {
  command: string;
  env: NodeJS.ProcessEnv;
  /** What was chosen, for the log line. */
  how: string;
}

/**
 * How to run a Go at least `required` (e.g. '1.25.0'): the one on PATH when it is new enough; otherwise that
 * release's toolchain from the Go module proxy (GOPROXY), the way Go itself switches toolchains. Go 1.21+
 * does the switch when GOTOOLCHAIN names the release; older ones (Debian 12's golang-go is 1.19) download
 * the same module with `go mod download` into our cache, and we run its `bin/go`.
 */
export function goCommand(
  required: string,
  cacheDir: string,
  logFile: string,
  env: NodeJS.ProcessEnv = process.env,
): GoCommand {
  const minimum = parseGoVersion(`go${required}`);
  if (!minimum) throw new Error(`not a Go version: ${required}`);
  const probe = spawnSync('go', ['version'], { encoding: 'utf8', env });
  const onPath = probe.status === 0 ? parseGoVersion(probe.stdout) : undefined;
  const plan = toolchainPlan(onPath, minimum);
  if (plan === 'missing')
    throw new Error('Go is not on PATH; install it (Debian: apt-get install golang-go) and retry');
  const found = `go${onPath!.join('.')}`;
  if (plan === 'local') return { command: 'go', env: { ...env, GOTOOLCHAIN: 'local' }, how: found };
  if (plan === 'switch') {
    return {
      command: 'go',
      env: { ...env, GOTOOLCHAIN: `go${required}` },
      how: `${found} switching to go${required} from the module proxy`,
    };
  }
  const goroot = downloadToolchain(required, cacheDir, logFile, env);
  return {
    command: path.join(goroot, 'bin', 'go'),
    env: { ...env, GOROOT: goroot, GOTOOLCHAIN: 'local' },
    how: `${found} is older than 1.21: go${required} fetched from the module proxy into ${goroot}`,
  };
}

/** The toolchain module golang.org/toolchain, unpacked into the cache once; returns its GOROOT. */
function downloadToolchain(release: string, cacheDir: string, logFile: string, env: NodeJS.ProcessEnv): string {
  const platform = spawnSync('go', ['env', 'GOOS', 'GOARCH'], { encoding: 'utf8', env }).stdout.trim().split('\n');
  const module = `golang.org/toolchain@v0.0.1-go${release}.${platform[0]}-${platform[1]}`;
  const modCache = path.join(cacheDir, 'go-toolchains');
  const goroot = path.join(modCache, module);
  if (!fs.existsSync(path.join(goroot, 'bin', 'go'))) {
    // -modcacherw: module caches are read-only by default, and the binaries need their execute bit back.
    runLogged('go', ['mod', 'download', module], logFile, {
      ...env,
      GOMODCACHE: modCache,
      GOFLAGS: '-modcacherw',
      GO111MODULE: 'on',
    });
  }
  // Zip files carry no file modes; Go's own toolchain switch marks these executable the same way.
  const toolDir = path.join(goroot, 'pkg', 'tool');
  const executables = [
    ...fs.readdirSync(path.join(goroot, 'bin')).map((name) => path.join(goroot, 'bin', name)),
    ...fs
      .readdirSync(toolDir)
      .flatMap((dir) => fs.readdirSync(path.join(toolDir, dir)).map((name) => path.join(toolDir, dir, name))),
  ];
  for (const file of executables) fs.chmodSync(file, 0o755);
  return goroot;
}
