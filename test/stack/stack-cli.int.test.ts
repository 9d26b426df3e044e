import { spawnSync } from 'node:child_process';
import path from 'node:path';

const repo = path.resolve(__dirname, '../..');

function stack(...args: string[]) {
  return spawnSync(path.join(repo, 'node_modules/.bin/tsx'), ['scripts/stack/cli.ts', ...args], {
    cwd: repo,
    encoding: 'utf8',
  });
}

describe('npm run stack:*', () => {
  it('status reports each component healthy with its address and exits 0', () => {
    const result = stack('status');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^temporal\s+localhost:7233\s+healthy\s+Web UI http:\/\/localhost:8233/m);
    expect(result.stdout).toMatch(/^kafka\s+localhost:9092\s+healthy/m);
    expect(result.stdout).toMatch(/^postgres\s+localhost:5432\s+healthy/m);
  });

  it('up is idempotent while everything runs', () => {
    const result = stack('up');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('stack is up');
  });

  it('rejects an unknown command with usage help', () => {
    const result = stack('sideways');
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/unknown command 'sideways'/);
  });
});
