/** The exit codes the contract pins for every `tdel` command. */
export const EXIT = {
  /** Done. */
  ok: 0,
  /** The operation ran and failed (a deletion ended FAILED, a service refused a preview…). */
  failed: 1,
  /** Bad usage or input: nothing was done. */
  usage: 2,
  /** Not found or unreachable: a tenant, a workflow, Temporal, PostgreSQL, a service. */
  notFound: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * An error the user can act on: what failed, the exit code it maps to, and what to do next.
 * Commands throw it; the program prints it without a stack trace.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly hint?: string,
    /** A stable machine-readable cause for `--json` error documents. */
    readonly code: string = exitCode === EXIT.usage ? 'BAD_INPUT' : exitCode === EXIT.notFound ? 'NOT_FOUND' : 'FAILED',
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export function usageError(message: string, hint?: string): CliError {
  return new CliError(message, EXIT.usage, hint, 'BAD_INPUT');
}

export function notFoundError(message: string, hint?: string): CliError {
  return new CliError(message, EXIT.notFound, hint, 'NOT_FOUND');
}

export function unreachableError(message: string, hint?: string): CliError {
  return new CliError(message, EXIT.notFound, hint, 'UNREACHABLE');
}
