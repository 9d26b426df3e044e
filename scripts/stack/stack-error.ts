/** A failure of one stack component, carrying what a user needs to act on it. */
export class StackError extends Error {
  constructor(
    readonly component: string,
    readonly cause: string,
    readonly logFile?: string,
  ) {
    super(`${component}: ${cause}${logFile ? `\n  log: ${logFile}` : ''}`);
    this.name = 'StackError';
  }
}
