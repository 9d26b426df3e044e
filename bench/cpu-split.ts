import fs from 'node:fs';

/**
 * CPU-seconds spent by each part of the stack between two readings, from /proc (Linux only): where a tenant's cost
 * goes. A process counts with the children it has reaped (a PostgreSQL backend's time moves to the postmaster when it
 * exits). The bench's own programs are told apart by their process group, the servers by their command line.
 */

export const CPU_PARTS = ['temporal', 'worker', 'postgres', 'services', 'kafka', 'bridge'] as const;
export type CpuPart = (typeof CPU_PARTS)[number];
export type CpuReading = Record<CpuPart, number>;

const TICKS_PER_SECOND = 100;

interface ProcStat {
  pgrp: number;
  ticks: number;
}

function procStat(pid: string): ProcStat | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: fields are counted after its last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const [utime, stime, cutime, cstime] = fields.slice(11, 15).map(Number);
    return { pgrp: Number(fields[2]), ticks: utime + stime + cutime + cstime };
  } catch {
    return undefined; // gone between the listing and the read
  }
}

function serverPart(pid: string): CpuPart | undefined {
  let argv: string[];
  try {
    argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return undefined;
  }
  const program = argv[0].split('/').pop() ?? '';
  // A backend renames itself "postgres: 15/main: ...".
  if (program.startsWith('postgres') || argv[0].startsWith('postgres:')) return 'postgres';
  if (program.startsWith('temporal') && !program.includes('ui')) return 'temporal';
  if (argv.some((arg) => arg.includes('kafka'))) return 'kafka';
  return undefined;
}

/** Total CPU-seconds so far of each part; `groups` maps the bench's process groups (their leaders' pids) to parts. */
export function readCpu(groups: ReadonlyMap<number, CpuPart>): CpuReading {
  const reading = Object.fromEntries(CPU_PARTS.map((part) => [part, 0])) as CpuReading;
  if (!fs.existsSync('/proc/self/stat')) return reading;
  for (const pid of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    const stat = procStat(pid);
    if (!stat) continue;
    const part = groups.get(stat.pgrp) ?? serverPart(pid);
    if (part) reading[part] += stat.ticks / TICKS_PER_SECOND;
  }
  return reading;
}

/** What each part spent from `before` to `after`, divided by `per` (tenants), in CPU-seconds. */
export function cpuSpent(before: CpuReading, after: CpuReading, per = 1): CpuReading {
  return Object.fromEntries(
    CPU_PARTS.map((part) => [part, Math.round(((after[part] - before[part]) / per) * 100) / 100]),
  ) as CpuReading;
}
