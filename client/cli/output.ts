import Table from 'cli-table3';
import picocolors from 'picocolors';
import type { Colors } from 'picocolors/types';

/**
 * Everything `tdel` prints goes through here: plain lines, tables, JSON documents and errors. The streams are
 * injected so that tests (and the fuzzer) run the program in-process and see exactly what a user would.
 */

export interface OutStream {
  write(chunk: string): boolean;
  isTTY?: boolean;
  columns?: number;
}

export interface CliIo {
  stdout: OutStream;
  stderr: OutStream;
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
}

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}

/** Colours only on a terminal; NO_COLOR (any non-empty value) turns them off, FORCE_COLOR on. */
export function colourEnabled(stream: OutStream, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '') return env.FORCE_COLOR !== '0';
  return stream.isTTY === true && env.TERM !== 'dumb';
}

const STATUS_COLOURS: Record<string, keyof Colors> = {
  COMPLETED: 'green',
  ACTIVE: 'green',
  FAILED: 'red',
  REJECTED: 'red',
  IN_PROGRESS: 'cyan',
  RUNNING: 'cyan',
  DELETING: 'cyan',
  ON_HOLD: 'yellow',
  AWAITING_APPROVAL: 'yellow',
  CANCELLED: 'magenta',
  CANCEL_REQUESTED: 'magenta',
  TERMINATED: 'magenta',
  PENDING: 'dim',
  DELETED: 'dim',
};

/** Borderless columns, like kubectl's: readable on a terminal and easy to grep in a log. */
const PLAIN_CHARS = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '   ',
};

export class Output {
  /** Colours for what goes to stdout. */
  readonly c: Colors;
  /** Colours for what goes to stderr. */
  readonly ce: Colors;
  private stdoutUsed = false;
  private usageUsed = false;

  constructor(readonly io: CliIo) {
    this.c = picocolors.createColors(colourEnabled(io.stdout, io.env));
    this.ce = picocolors.createColors(colourEnabled(io.stderr, io.env));
  }

  /** Whether anything was printed on stdout yet: a `--json` run prints exactly one document there. */
  get wroteStdout(): boolean {
    return this.stdoutUsed;
  }

  line(text = ''): void {
    this.stdoutUsed = true;
    this.io.stdout.write(`${text}\n`);
  }

  /** Whether Commander wrote a usage error or help for want of a command (it writes both to stderr). */
  get wroteUsage(): boolean {
    return this.usageUsed;
  }

  /** Commander's stderr text: a usage error, or the help shown for want of a command. */
  usage(text: string): void {
    this.usageUsed = true;
    this.io.stderr.write(text);
  }

  json(value: unknown): void {
    this.line(JSON.stringify(value, null, 2));
  }

  /** Progress and notes that are not the command's answer go to stderr, so stdout stays clean for pipes. */
  note(text: string): void {
    this.io.stderr.write(`${text}\n`);
  }

  warn(text: string): void {
    this.io.stderr.write(`${this.ce.yellow('warning:')} ${text}\n`);
  }

  error(message: string, hint?: string): void {
    this.io.stderr.write(`${this.ce.red('error:')} ${message}\n`);
    if (hint) this.io.stderr.write(`${this.ce.dim('hint:')} ${hint}\n`);
  }

  status(status: string, colours: Colors = this.c): string {
    const colour = STATUS_COLOURS[status];
    return colour ? (colours[colour] as (text: string) => string)(status) : status;
  }

  table(head: string[], rows: (string | number)[][], options: { align?: ('left' | 'right')[] } = {}): string {
    const table = new Table({
      head: head.map((title) => this.c.bold(title)),
      chars: PLAIN_CHARS,
      style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
      ...(options.align ? { colAligns: options.align } : {}),
    });
    table.push(...rows.map((row) => row.map(String)));
    // cli-table3 pads every line to the table's width; trailing blanks only get in the way of copy and grep.
    return table
      .toString()
      .split('\n')
      .map((line) => line.trimEnd())
      .join('\n');
  }
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function formatTime(value: Date | number | string | null | undefined): string {
  if (value === null || value === undefined) return '-';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? '-' : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
