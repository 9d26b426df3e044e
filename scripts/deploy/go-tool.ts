import fs from 'node:fs';
import path from 'node:path';
import { runLogged } from '../stack/daemon';
import { goCommand } from '../stack/go-toolchain';
import { DeployCheckError } from './deploy-check-error';

/** A Go program installed with `go install <package>@<version>`, pinned. */
export interface GoTool {
  name: string;
  package: string;
  version: string;
  /** The go directive of that version's go.mod: the oldest Go that builds it. */
  go: string;
}

export const HELM: GoTool = { name: 'helm', package: 'helm.sh/helm/v3/cmd/helm', version: 'v3.22.0', go: '1.26.0' };
export const KUBECONFORM: GoTool = {
  name: 'kubeconform',
  package: 'github.com/yannh/kubeconform/cmd/kubeconform',
  version: 'v0.8.0',
  go: '1.26.0',
};
/** Prometheus' rule checker and unit-test runner; the Go module's v0.316.0 is Prometheus 3.16.0. */
export const PROMTOOL: GoTool = {
  name: 'promtool',
  package: 'github.com/prometheus/prometheus/cmd/promtool',
  version: 'v0.316.0',
  go: '1.26.7',
};

/**
 * The tool's binary in the cache's bin/, built the first time (as scripts/stack/temporal.ts builds the Temporal
 * CLI). `go install` builds report no release of their own, so the pinned version is recorded beside the binary.
 */
export function ensureGoTool(tool: GoTool, cacheDir: string, logFile: string): string {
  const binary = path.join(cacheDir, 'bin', tool.name);
  const versionFile = `${binary}.version`;
  const installed = fs.existsSync(binary) && fs.existsSync(versionFile) && fs.readFileSync(versionFile, 'utf8').trim();
  if (installed === tool.version) return binary;
  let go;
  try {
    go = goCommand(tool.go, cacheDir, logFile);
  } catch (error) {
    throw new DeployCheckError(tool.name, `cannot build ${tool.name}: ${(error as Error).message}`, logFile);
  }
  console.log(`${tool.name}: building ${tool.package}@${tool.version} with ${go.how} (first time only)`);
  try {
    runLogged(go.command, ['install', `${tool.package}@${tool.version}`], logFile, {
      ...go.env,
      CGO_ENABLED: '0',
      GOBIN: path.dirname(binary),
    });
  } catch (error) {
    throw new DeployCheckError(
      tool.name,
      `go install ${tool.package}@${tool.version} failed (is the Go module proxy reachable? GOPROXY=${
        process.env.GOPROXY ?? 'default'
      }): ${(error as Error).message}`,
      logFile,
    );
  }
  fs.writeFileSync(versionFile, `${tool.version}\n`);
  return binary;
}
