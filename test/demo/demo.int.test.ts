import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { loadConfig } from '../../common/config';
import { skipRequestBacklog } from '../../scripts/kafka-backlog';

/** The README's first command, as a new user runs it, ending by itself with --exit. */
describe('npm run demo -- --exit', () => {
  it('runs the whole flow on the local stack and stops what it started', async () => {
    const groupId = `demo-test-${randomUUID()}`;
    await skipRequestBacklog(loadConfig().KAFKA_BROKERS, groupId);
    const run = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn('npm', ['run', '--silent', 'demo', '--', '--exit', '--records', '2000'], {
        cwd: path.resolve(__dirname, '../..'),
        env: { ...process.env, NO_COLOR: '1', BRIDGE_GROUP_ID: groupId },
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.on('close', (code) => resolve({ code, output }));
    });
    expect(run.output).not.toContain('demo: ');
    expect(run.code).toBe(0);
    expect(run.output).toMatch(/TENANT_DELETED published; registry PII erased/);
    expect(run.output).toMatch(/REJECTED: cannot delete inventory-1: .*\(active\)/);
    expect(run.output).toMatch(/TENANT_EMPTY published/);
    expect(run.output).toMatch(/Web UI: http:\/\/localhost:8233/);
    expect(run.output).toMatch(/the Web UI decodes payloads through http:\/\/localhost:8081/);
    expect(run.output).toMatch(/DeletionStatus%3D%22FAILED%22/);
    // Nothing the demo started still listens: the fleet's registry port is free again.
    await expect(fetch('http://localhost:8100/healthz')).rejects.toThrow();
  }, 400_000);
});
