import { spawnSync } from 'node:child_process';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { StackError } from './stack-error';

export function isPortOpen(port: number, host = '127.0.0.1', timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Who listens on a port, for error messages; best effort, since `ss` may be missing. */
export function portHolder(port: number): string {
  const result = spawnSync('ss', ['-Hltnp', `sport = :${port}`], { encoding: 'utf8' });
  const users = /users:\(\("([^"]+)",pid=(\d+)/.exec(result.stdout ?? '');
  return users ? `${users[1]} (pid ${users[2]})` : 'another process';
}

/** Before a component starts its server: a port someone else holds would make it fail later, and less clearly. */
export async function refuseHeldPorts(component: string, ports: number[]): Promise<void> {
  for (const port of ports) {
    if (await isPortOpen(port)) {
      throw new StackError(component, `port ${port} is held by ${portHolder(port)}; stop it and run stack:up again`);
    }
  }
}

export async function waitUntil(
  check: () => Promise<boolean>,
  { timeoutMs, intervalMs = 500, abort }: { timeoutMs: number; intervalMs?: number; abort?: () => string | undefined },
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reason = abort?.();
    if (reason) throw new Error(reason);
    if (await check().catch(() => false)) return true;
    if (Date.now() > deadline) return false;
    await sleep(intervalMs);
  }
}
