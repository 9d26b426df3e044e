import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { expandPattern } from '../../scripts/build/assets';
import { externalPackagesPlugin, missingRuntimePackages, runtimePackages } from '../../scripts/build/runtime-packages';

const repoDir = path.resolve(__dirname, '../..');

/** Bundles a one-file program importing `imports`, as npm run build does, and lists what it would miss. */
async function missingFor(imports: string[]): Promise<string[]> {
  const dir = fs.mkdtempSync(path.join(repoDir, 'test/build/.entry-'));
  try {
    const entry = path.join(dir, 'main.ts');
    fs.writeFileSync(
      entry,
      imports.map((name, i) => `import * as m${i} from '${name}';\nconsole.log(m${i});`).join('\n'),
    );
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      platform: 'node',
      format: 'esm',
      metafile: true,
      absWorkingDir: repoDir,
      logLevel: 'silent',
      plugins: [externalPackagesPlugin(repoDir)],
    });
    return missingRuntimePackages(result.metafile!, runtimePackages(repoDir));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('the runtime packages check of npm run build', () => {
  it('passes packages the production install has, node built-ins and the inlined workspaces', async () => {
    expect(await missingFor(['pg', 'node:fs', 'jose', '@temporalio/client', '@tenant-deletion/contract'])).toEqual([]);
  });

  it('names a dev dependency a program would load at run time', async () => {
    expect(await missingFor(['yaml', 'pg', 'ajv/dist/2020'])).toEqual(['ajv', 'yaml']);
  });
});

describe('the asset patterns', () => {
  it('expand one path segment per star, sorted', () => {
    const files = expandPattern(repoDir, 'services/fleet/*/migrations/*.sql');
    expect(files.length).toBeGreaterThan(10);
    expect(files.every((file) => /^services\/fleet\/[^/]+\/migrations\/[^/]+\.sql$/.test(file))).toBe(true);
    expect(expandPattern(repoDir, 'db/migrations/*.nothing')).toEqual([]);
    expect(expandPattern(os.tmpdir(), 'no-such-dir/*')).toEqual([]);
  });
});
