import { SpanStatusCode, trace } from '@opentelemetry/api';
import { startTracing } from '../../common/telemetry/tracing';
import { processIo } from './output';
import { EXIT_INTERRUPTED, runCli } from './program';

/**
 * The `tdel` executable (see bin/tdel): runs the command line, then lets the process end with its exit code. With an
 * OTLP endpoint set, the command is one span `tdel` (no arguments recorded: they may name people or give reasons)
 * and the workflows it starts or signals are traced under it.
 */
const tracing = startTracing('tdel');

const interrupt = new AbortController();
process.once('SIGINT', () => {
  interrupt.abort();
  // Commands that follow a deletion stop at once; anything else gets a moment to close its connections.
  setTimeout(() => process.exit(EXIT_INTERRUPTED), 2_000).unref();
});

void trace
  .getTracer('tdel')
  .startActiveSpan('tdel', (span) =>
    runCli(process.argv.slice(2), processIo(), interrupt.signal).then((code) => {
      span.setAttribute('process.exit.code', code);
      if (code !== 0) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      return code;
    }),
  )
  .then(async (code) => {
    process.exitCode = code;
    // A connection library that keeps a handle open, or a collector that does not answer, must not keep the shell
    // waiting: the spans get a few seconds to leave.
    setTimeout(() => process.exit(code), tracing.enabled ? 3_000 : 1_000).unref();
    await tracing.shutdown();
  });
