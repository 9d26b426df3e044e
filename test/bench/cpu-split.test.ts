import { spawn } from 'node:child_process';
import { cpuSpent, readCpu } from '../../bench/cpu-split';

/** The CPU split reads the real /proc: a busy process group started here is charged to the part it is mapped to. */
describe('bench CPU split', () => {
  it('charges a busy process group to its part, and nothing to parts with no process', async () => {
    const busy = spawn(process.execPath, ['-e', 'const end = Date.now() + 1500; while (Date.now() < end);'], {
      detached: true,
      stdio: 'ignore',
    });
    const groups = new Map([[busy.pid!, 'worker' as const]]);
    const before = readCpu(groups);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const after = readCpu(groups);
    busy.kill();
    const spent = cpuSpent(before, after);
    expect(spent.worker).toBeGreaterThan(0.3);
    expect(spent.bridge).toBe(0);
    expect(spent.services).toBe(0);
  });

  it('divides what was spent by the number of tenants', () => {
    const zero = { temporal: 0, worker: 0, postgres: 0, services: 0, kafka: 0, bridge: 0 };
    expect(cpuSpent(zero, { ...zero, temporal: 12, worker: 3 }, 4)).toEqual({ ...zero, temporal: 3, worker: 0.75 });
  });
});
