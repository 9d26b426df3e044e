/** A finding of `npm run deploy:check`, or a tool it could not get: what failed and what to do about it. */
export class DeployCheckError extends Error {
  constructor(
    readonly step: string,
    readonly detail: string,
    readonly logFile?: string,
  ) {
    super(`${step}: ${detail}${logFile ? `\n  log: ${logFile}` : ''}`);
    this.name = 'DeployCheckError';
  }
}
