/**
 * Needs the local stack's PostgreSQL for the port test (the fleet prepares its databases before it
 * listens); the seeder's usage errors are refused before anything is touched.
 */
import { spawnSync } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import pino from 'pino';
import { FleetPortInUseError, startFleet } from '../../services/fleet/fleet';
import { fleetTokens, serverUrl, TEST_INSTANCES } from './test-fleet';

const repo = path.resolve(__dirname, '../..');

function seedCli(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(path.join(repo, 'node_modules/.bin/tsx'), ['scripts/fleet/seed-cli.ts', ...args], {
    cwd: repo,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm run fleet:seed', () => {
  test('--help shows the options and an example, and exits 0', () => {
    const help = seedCli(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--tenant <id>');
    expect(help.stdout).toContain('--skip-registry');
    expect(help.stdout).toContain('npm run fleet:seed -- --tenant tenant-12345 --records 500000');
  });

  test.each([
    ['a tenant id breaking the identifier rule', ['--tenant', 'no spaces allowed', '--records', '10'], /tenant id/],
    ['a missing --records', ['--tenant', 'tenant-1'], /--records/],
    ['a --records that is not a number', ['--tenant', 'tenant-1', '--records', 'many'], /whole number/],
  ])('refuses %s with exit code 2', (_, args, reason) => {
    const refused = seedCli([...args, '--skip-registry']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(reason);
  });

  test('an unreachable registry exits 3 with what to do, before anything is seeded', () => {
    const refused = seedCli(['--tenant', 'tenant-unreachable', '--records', '10'], {
      TENANT_REGISTRY_URL: 'http://127.0.0.1:9',
    });
    expect(refused.status).toBe(3);
    expect(refused.stderr).toContain('npm run fleet');
    expect(refused.stderr).toContain('--skip-registry');
  });
});

describe('startFleet', () => {
  test('a port in use stops the start with an error naming the instance and the port', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, 'localhost', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    const orders = { ...TEST_INSTANCES.find((instance) => instance.serviceType === 'orders')!, port };
    try {
      const start = startFleet({
        databaseUrl: serverUrl,
        tokens: await fleetTokens(),
        instances: [orders],
        registryPort: 0,
        logger: pino({ level: 'silent' }),
      });
      await expect(start).rejects.toThrow(FleetPortInUseError);
      await expect(start).rejects.toThrow(`${port} (orders-1)`);
    } finally {
      blocker.close();
    }
  });
});
