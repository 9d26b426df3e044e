import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { runLogged } from './daemon';

/**
 * The Debian packages the stack and the tests run on. Each is found by what it provides (a command or a
 * file), so a machine that has the program from elsewhere installs nothing.
 */
export interface SystemPackage {
  /** The Debian package that provides it. */
  debian: string;
  /** Why the project needs it, for the message that asks for it. */
  neededFor: string;
  present(): boolean;
}

export function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

const hasPostgres = () =>
  onPath('pg_lsclusters') &&
  fs.existsSync('/usr/lib/postgresql') &&
  fs.readdirSync('/usr/lib/postgresql').some((entry) => /^\d+$/.test(entry));

/** What `npm run stack:up` needs: Kafka runs on Java from jars Maven fetches; Go builds the Temporal CLI. */
export const STACK_PACKAGES: SystemPackage[] = [
  { debian: 'default-jdk-headless', neededFor: 'Kafka runs on Java 17', present: () => onPath('java') },
  { debian: 'maven', neededFor: "Kafka's jars come from Maven Central", present: () => onPath('mvn') },
  { debian: 'golang-go', neededFor: 'the Temporal CLI is built with go install', present: () => onPath('go') },
  { debian: 'postgresql', neededFor: 'the ledger and the fleet databases', present: hasPostgres },
];

/** What `npm test` needs beyond the stack. */
export const TEST_PACKAGES: SystemPackage[] = [
  // A test tool's own browser download is refused on closed networks; Debian's build is what the tests drive.
  { debian: 'chromium', neededFor: 'the Web UI tests', present: () => fs.existsSync('/usr/bin/chromium') },
  {
    debian: 'openssl',
    neededFor: "the mTLS test's certificates and the auditor's recipe",
    present: () => onPath('openssl'),
  },
];

/** Missing packages on a machine where we may not install them: the message is the command to run. */
export class MissingPackagesError extends Error {
  constructor(readonly missing: SystemPackage[]) {
    const command = `sudo apt-get install -y ${missing.map((p) => p.debian).join(' ')}`;
    super(
      `missing ${missing.map((p) => `${p.debian} (${p.neededFor})`).join(', ')}.\n` +
        `  Run as root (or a user allowed sudo): ${command}\n  then run the same command again.`,
    );
    this.name = 'MissingPackagesError';
  }
}

/** How we may run apt-get: as root, or through sudo that asks no password; undefined when neither. */
function aptRunner(): string[] | undefined {
  if (process.getuid?.() === 0) return [];
  if (spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0) return ['sudo', '-n'];
  return undefined;
}

/** Installs what is missing from Debian (first time only); a no-op when everything is there. */
export function ensureSystemPackages(packages: SystemPackage[], logFile: string): void {
  const missing = packages.filter((p) => !p.present());
  if (missing.length === 0) return;
  const runner = aptRunner();
  if (runner === undefined || !onPath('apt-get')) throw new MissingPackagesError(missing);
  const names = missing.map((p) => p.debian);
  console.log(`setup: installing ${names.join(' ')} from Debian (first time only; log ${logFile})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const [command, ...prefix] = [...runner, 'apt-get'];
  runLogged(command, [...prefix, 'update', '-q'], logFile, env);
  runLogged(command, [...prefix, 'install', '-y', '-q', ...names], logFile, env);
  const stillMissing = missing.filter((p) => !p.present());
  if (stillMissing.length > 0) throw new MissingPackagesError(stillMissing);
}
