import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { importCycles } from './import-cycles';

const repo = path.resolve(__dirname, '../..');
const options: ts.CompilerOptions = { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler };

it('finds no import cycle outside the tests, type-only imports included', () => {
  const tracked = execFileSync('git', ['ls-files', '*.ts'], { cwd: repo, encoding: 'utf8' }).split('\n');
  const files = tracked.filter((file) => file !== '' && !file.startsWith('test/')).map((file) => path.join(repo, file));
  const cycles = importCycles(files, options).map((cycle) => cycle.map((file) => path.relative(repo, file)).sort());
  expect(cycles).toEqual([]);
});

it('finds a cycle made of type-only imports', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'import-cycle-'));
  writeFileSync(path.join(dir, 'a.ts'), "import type { B } from './b';\nexport type A = { b?: B };\n");
  writeFileSync(path.join(dir, 'b.ts'), "import type { A } from './a';\nexport type B = { a?: A };\n");
  writeFileSync(path.join(dir, 'c.ts'), "import type { A } from './a';\nexport type C = A;\n");
  const files = ['a.ts', 'b.ts', 'c.ts'].map((name) => path.join(dir, name));
  expect(importCycles(files, options).map((cycle) => cycle.map((file) => path.basename(file)).sort())).toEqual([
    ['a.ts', 'b.ts'],
  ]);
});
