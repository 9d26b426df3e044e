import fs from 'node:fs';
import path from 'node:path';
import type { StackPaths } from '../../../common/stack-paths';
import { runLogged } from '../daemon';
import { goCommand } from '../go-toolchain';
import { StackError } from '../stack-error';

/** Commands of one Go module at a pinned tag, built once with `go install` into the stack's cache. */
export interface GoBinaries {
  module: string;
  version: string;
  /** The go directive of that tag's go.mod: the oldest Go that builds it. */
  goVersion: string;
  /** Package path inside the module → the name the binary gets in the cache (`go install` names them all after their directory, `server`). */
  commands: Record<string, string>;
}

export function binaryPath(paths: StackPaths, name: string): string {
  return path.join(paths.cacheDir, 'bin', name);
}

/** Like the Temporal CLI's: `go install` builds report no version, so the tag is recorded beside each binary. */
function installedVersion(binary: string): string | undefined {
  try {
    return fs.existsSync(binary) ? fs.readFileSync(`${binary}.version`, 'utf8').trim() : undefined;
  } catch {
    return undefined;
  }
}

export function installGoBinaries(paths: StackPaths, spec: GoBinaries, component: string, logFile: string): void {
  const missing = Object.entries(spec.commands).filter(
    ([, name]) => installedVersion(binaryPath(paths, name)) !== spec.version,
  );
  if (missing.length === 0) return;
  // Each command is built into its own scratch folder, since they would all be called `server` side by side.
  for (const [pkg, name] of missing) {
    const scratch = path.join(paths.cacheDir, 'go-build', name);
    fs.rmSync(scratch, { recursive: true, force: true });
    try {
      const go = goCommand(spec.goVersion, paths.cacheDir, logFile);
      console.log(`${component}: building ${name} (${spec.module}@${spec.version}) with ${go.how} (first time only)`);
      runLogged(go.command, ['install', `${spec.module}/${pkg}@${spec.version}`], logFile, {
        ...go.env,
        CGO_ENABLED: '0',
        GOBIN: scratch,
      });
    } catch (error) {
      throw new StackError(component, `building ${name} failed: ${(error as Error).message}`, logFile);
    }
    const [built] = fs.readdirSync(scratch);
    const binary = binaryPath(paths, name);
    fs.mkdirSync(path.dirname(binary), { recursive: true });
    fs.renameSync(path.join(scratch, built), binary);
    fs.rmSync(scratch, { recursive: true, force: true });
    fs.writeFileSync(`${binary}.version`, `${spec.version}\n`);
  }
}
