import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { goCommand } from '../../scripts/stack/go-toolchain';

/**
 * Debian 12's Go 1.19 cannot switch toolchains. This machine's Go is newer, so a wrapper answers `go version`
 * as 1.19 would and passes everything else through: the download itself is real, from the Go module proxy.
 */
describe('with a Go older than 1.21 on PATH', () => {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'tdel-go-cache-'));
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'tdel-old-go-'));
  const realGo = spawnSync('sh', ['-c', 'command -v go'], { encoding: 'utf8' }).stdout.trim();
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };

  beforeAll(() => {
    fs.writeFileSync(
      path.join(bin, 'go'),
      `#!/bin/sh\n[ "$1" = version ] && { echo "go version go1.19.8 linux/amd64"; exit 0; }\nexec ${realGo} "$@"\n`,
      { mode: 0o755 },
    );
  });
  afterAll(() => {
    fs.rmSync(cache, { recursive: true, force: true });
  });

  it('fetches the required release from the module proxy into the cache and runs it', () => {
    const go = goCommand('1.25.0', cache, path.join(cache, 'go.log'), env);
    expect(go.command.startsWith(cache)).toBe(true);
    expect(go.how).toContain('go1.19.8 is older than 1.21');
    const version = spawnSync(go.command, ['version'], { env: go.env, encoding: 'utf8' });
    expect(version.stdout).toMatch(/^go version go1\.25\.0 /);
  }, 180_000);
});
