import pino from 'pino';
import { traceLogFields } from '@tenant-deletion/contract/trace-log-fields';
import { ConfigError } from '../config-error';
import { redactTokens } from '../token-redaction';

/**
 * The one way an orchestrator program builds its logger: JSON lines on stdout, the program's name, the level from
 * LOG_LEVEL, and the trace and span ids of the active span on every line written inside one (docs/logging.md).
 */

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

export function logLevel(env: NodeJS.ProcessEnv = process.env): pino.LevelWithSilent {
  const level = env.LOG_LEVEL?.trim().toLowerCase() || 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new ConfigError([`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got ${JSON.stringify(env.LOG_LEVEL)})`]);
  }
  return level as pino.LevelWithSilent;
}

/** `overrides` is for a logger that must differ in one option (the Temporal runtime logger's timestamps). */
export function programLogger(
  name: string,
  env: NodeJS.ProcessEnv = process.env,
  overrides: Pick<pino.LoggerOptions, 'timestamp'> = {},
  destination?: pino.DestinationStream,
): pino.Logger {
  const options: pino.LoggerOptions = {
    name,
    level: logLevel(env),
    mixin: traceLogFields,
    // Errors arrive under either key: ours log `err`, the SDK's meta carries `error`.
    serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    // On the finished line, so that no field, message or error text anywhere in it can carry a token out: an
    // authorization value, or anything shaped like a signed JWT, becomes [REDACTED] (common/token-redaction.ts).
    hooks: { streamWrite: redactTokens },
    ...overrides,
  };
  return destination ? pino(options, destination) : pino(options);
}
