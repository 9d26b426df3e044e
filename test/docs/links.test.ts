import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { brokenLinks, markdownFiles } from './markdown-links';

const repoDir = path.resolve(__dirname, '../..');

describe('relative links in the Markdown files', () => {
  it('all lead to a file that exists, and to a heading it has', async () => {
    const files = markdownFiles(repoDir);
    expect(files).toEqual(expect.arrayContaining(['README.md', 'docs/architecture.md']));
    expect(await brokenLinks(repoDir, files)).toEqual([]);
  });
});

describe('brokenLinks', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'links-'));
    fs.mkdirSync(path.join(dir, 'docs'));
    fs.writeFileSync(path.join(dir, 'docs', 'guide.md'), '# Guide\n\n## Set `up` here\n\n## Set `up` here\n');
    fs.writeFileSync(
      path.join(dir, 'README.md'),
      [
        '# Readme',
        '[guide](docs/guide.md) [section](docs/guide.md#set-up-here) [second](docs/guide.md#set-up-here-1)',
        '[self](#readme) [web](https://example.com/x.md) ![picture](docs/missing.png)',
        '[gone](docs/gone.md) [no section](docs/guide.md#tear-down) [up](../outside.md)',
        '`[code](docs/code.md)`',
        '',
        '    [indented code](docs/code.md)',
        '',
        '[ref]: docs/also-gone.md',
        '',
        '| folder | readme |',
        '| --- | --- |',
        '| `docs/` | [its readme](docs/README.md) |',
      ].join('\n'),
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('names each link to a missing file or heading, with its line, and nothing else', async () => {
    expect(await brokenLinks(dir, markdownFiles(dir))).toEqual([
      { where: 'README.md:3', url: 'docs/missing.png', problem: 'docs/missing.png does not exist' },
      { where: 'README.md:4', url: 'docs/gone.md', problem: 'docs/gone.md does not exist' },
      { where: 'README.md:4', url: 'docs/guide.md#tear-down', problem: 'docs/guide.md has no heading #tear-down' },
      { where: 'README.md:4', url: '../outside.md', problem: 'leads outside the repository' },
      { where: 'README.md:9', url: 'docs/also-gone.md', problem: 'docs/also-gone.md does not exist' },
      { where: 'README.md:13', url: 'docs/README.md', problem: 'docs/README.md does not exist' },
    ]);
  });
});
