import { processIo } from './output';
import { EXIT_INTERRUPTED, runCli } from './program';

/** The `tdel` executable (see bin/tdel): runs the command line, then lets the process end with its exit code. */

const interrupt = new AbortController();
process.once('SIGINT', () => {
  interrupt.abort();
  // Commands that follow a deletion stop at once; anything else gets a moment to close its connections.
  setTimeout(() => process.exit(EXIT_INTERRUPTED), 2_000).unref();
});

void runCli(process.argv.slice(2), processIo(), interrupt.signal).then((code) => {
  process.exitCode = code;
  // A connection library that keeps a handle open must not keep the shell waiting.
  setTimeout(() => process.exit(code), 1_000).unref();
});
