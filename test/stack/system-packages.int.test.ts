import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const repo = path.resolve(__dirname, '../..');

/** A PATH holding only node and sh: every other tool the stack needs looks missing. */
function barePath(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tdel-bare-path-'));
  fs.chmodSync(dir, 0o755);
  for (const tool of ['node', 'sh']) {
    const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
    fs.symlinkSync(found, path.join(dir, tool));
  }
  return dir;
}

describe('stack:up on a machine missing system packages', () => {
  it('as a user who may not install, prints the exact apt-get command and exits 2, starting nothing', () => {
    const state = fs.mkdtempSync(path.join(os.tmpdir(), 'tdel-bare-state-'));
    fs.chmodSync(state, 0o777);
    // setpriv drops to nobody, who has neither root nor password-less sudo.
    const result = spawnSync(
      '/usr/bin/setpriv',
      [
        '--reuid=nobody',
        '--regid=nogroup',
        '--clear-groups',
        'node_modules/.bin/tsx',
        'scripts/stack/cli.ts',
        'up',
        '--with-test-tools',
      ],
      {
        cwd: repo,
        encoding: 'utf8',
        env: { PATH: barePath(), HOME: state, TDEL_STATE_DIR: state, TDEL_CACHE_DIR: state },
      },
    );
    expect(result.stderr).toContain('sudo apt-get install -y default-jdk-headless maven golang-go postgresql openssl');
    expect(result.stderr).toMatch(/missing default-jdk-headless \(Kafka runs on Java 17\)/);
    expect(result.status).toBe(2);
    expect(result.stdout).not.toContain('stack is up');
    expect(fs.readdirSync(state)).toEqual([]);
  });
});
