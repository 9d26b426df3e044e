import type pino from 'pino';
import { LogTimestamp, type LogExporterConfig, type Logger, type LogLevel, type LogMetadata } from '@temporalio/worker';
import { logLevel, programLogger } from './program-logger';

/**
 * The Temporal Runtime's logger: Core's log entries (forwarded), workflow `log` calls (through the SDK's sink) and
 * activity `log` calls all arrive here, after the SDK buffered and sorted them for up to 100 ms. Each becomes a
 * pino line at its own level with the SDK's meta as fields (sdkComponent, namespace, taskQueue, workflowId, runId,
 * activityType, and the trace_id/span_id the OpenTelemetry interceptors add at the call), and with the time the
 * entry was made, not the time the buffer let it out.
 */

const PINO_LEVEL: Record<LogLevel, pino.Level> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * Meta the SDK adds that a log line must not carry: an activity's task token completes the activity for whoever
 * holds it, and is noise for everyone else.
 */
const DROPPED_META = ['taskToken'];

export function temporalRuntimeLogger(
  name: string,
  env: NodeJS.ProcessEnv = process.env,
  destination?: pino.DestinationStream,
): Logger {
  // pino asks for the time while it writes the line, synchronously inside the call below.
  let entryMillis: number | undefined;
  const logger = programLogger(name, env, { timestamp: () => `,"time":${entryMillis ?? Date.now()}` }, destination);
  const log = (level: LogLevel, message: string, meta: LogMetadata = {}) => {
    const nanos: unknown = meta[LogTimestamp];
    const fields: LogMetadata = { ...meta };
    delete fields[LogTimestamp];
    for (const key of DROPPED_META) delete fields[key];
    entryMillis = typeof nanos === 'bigint' ? Number(nanos / 1_000_000n) : undefined;
    try {
      logger[PINO_LEVEL[level]](fields, message);
    } finally {
      entryMillis = undefined;
    }
  };
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}

/**
 * Core's logs go to the runtime logger above instead of Core's own stderr printer, filtered in Core (before anything
 * crosses to JavaScript): Core's lines from LOG_LEVEL up, its third-party crates' only as errors unless LOG_LEVEL
 * asks for debugging.
 */
export function forwardedCoreLogs(env: NodeJS.ProcessEnv = process.env): LogExporterConfig {
  const level = logLevel(env);
  const verbose = level === 'trace' || level === 'debug';
  const core: LogLevel =
    level === 'trace' || level === 'debug' || level === 'info' || level === 'warn' ? SDK_LEVEL[level] : 'ERROR';
  return { filter: { core, other: verbose ? 'WARN' : 'ERROR' }, forward: {} };
}

const SDK_LEVEL = { trace: 'TRACE', debug: 'DEBUG', info: 'INFO', warn: 'WARN' } as const;
