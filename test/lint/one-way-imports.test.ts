import { spawnSync } from 'node:child_process';
import path from 'node:path';

/**
 * The lint rules that keep imports running one way, run on in-memory code at real paths of the tree, so a rule that
 * silently stops firing (a plugin upgrade, a config edit, a resolver that no longer finds `.ts`) fails here.
 * ESLint's config is an ES module, which jest's CommonJS runtime cannot load: the linting runs in a child node.
 */

const repo = path.resolve(__dirname, '../..');

interface Sample {
  filePath: string;
  code: string;
}

/** ESLint's Node API in a child process: each sample's rule ids, in order. */
const LINT_SAMPLES = `
import { ESLint } from 'eslint';
const samples = JSON.parse(await new Promise((done) => {
  let text = '';
  process.stdin.on('data', (chunk) => (text += chunk)).on('end', () => done(text));
}));
const eslint = new ESLint({ cwd: process.cwd(), overrideConfigFile: 'eslint.config.mjs' });
const ids = [];
for (const { filePath, code } of samples) {
  const [result] = await eslint.lintText(code, { filePath });
  ids.push(result.messages.map((message) => message.ruleId ?? message.message));
}
process.stdout.write(JSON.stringify(ids));
`;

function lint(samples: Sample[]): string[][] {
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', LINT_SAMPLES], {
    cwd: repo,
    input: JSON.stringify(samples.map((sample) => ({ ...sample, filePath: path.join(repo, sample.filePath) }))),
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`eslint failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as string[][];
}

const SAMPLES = {
  relativeIntoPackage: {
    filePath: 'db/fixture.ts',
    code: "export { identifier } from '../common/contract/identifiers';\n",
  },
  byPackageName: { filePath: 'db/fixture.ts', code: "export { identifier } from '@tenant-deletion/contract';\n" },
  packageOutOfItself: {
    filePath: 'services/kit/fixture.ts',
    code: "export { loadConfig } from '../../common/config';\n",
  },
  exampleIntoExample: {
    filePath: 'services/registry/fixture.ts',
    code: "export { FLEET_INSTANCES } from '../fleet/topology';\n",
  },
  orchestratorToRegistry: {
    filePath: 'activities/fixture.ts',
    code: "export { REGISTRY } from '@tenant-deletion/example-registry';\n",
  },
  orchestratorToFleet: {
    filePath: 'client/fixture.ts',
    code: "export { startFleet } from '@tenant-deletion/example-fleet';\n",
  },
  // tenant-activities.ts imports certificate-issuer.ts: importing it back closes a cycle. (no-cycle skips type-only
  // imports, which vanish at run time: the cycle FinalizeInput made was one of those.)
  cycle: {
    filePath: 'activities/certificate-issuer.ts',
    code: "export { createTenantActivities } from './tenant-activities';\n",
  },
  testIntoPackage: {
    filePath: 'test/kit/fixture.test.ts',
    code: "export { FaultInjector } from '../../services/kit/faults';\n",
  },
} satisfies Record<string, Sample>;

let found: Record<keyof typeof SAMPLES, string[]>;

beforeAll(() => {
  const names = Object.keys(SAMPLES) as (keyof typeof SAMPLES)[];
  const ids = lint(names.map((name) => SAMPLES[name]));
  found = Object.fromEntries(names.map((name, index) => [name, ids[index]])) as typeof found;
}, 60_000);

describe('one-way imports', () => {
  it('refuses orchestrator code reaching into a workspace package by a relative path', () => {
    expect(found.relativeIntoPackage).toContain('import-x/no-relative-packages');
  });

  it('lets orchestrator code import the same module by the package name', () => {
    expect(found.byPackageName).toEqual([]);
  });

  it('refuses a package importing outside itself by a relative path', () => {
    expect(found.packageOutOfItself).toContain('import-x/no-relative-packages');
  });

  it('refuses one example package reaching into another', () => {
    expect(found.exampleIntoExample).toContain('import-x/no-relative-packages');
  });

  it('refuses the orchestrator importing the demo registry or fleet, even by package name', () => {
    expect(found.orchestratorToRegistry).toContain('import-x/no-restricted-paths');
    expect(found.orchestratorToFleet).toContain('import-x/no-restricted-paths');
  });

  it('refuses an import cycle', () => {
    expect(found.cycle).toContain('import-x/no-cycle');
  });

  it('lets tests import package internals', () => {
    expect(found.testIntoPackage).toEqual([]);
  });
});
