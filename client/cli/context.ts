import type pg from 'pg';
import { ConfigError, loadConfig, type Config } from '../../common/config';
import { temporalAccess } from '../../common/temporal-connection';
import { usageError } from './exit-codes';
import { databaseError, openInventoryDb } from './inventory-db';
import type { CliIo, Output } from './output';
import { connectTemporal, temporalError, type TemporalSession } from './temporal-connection';
import { WebUi } from './web-ui';

/**
 * What one run of `tdel` shares between its command and the program: the streams, the configuration (read
 * only when a command needs it, so that `--help` works whatever the environment), and the connections, which
 * are opened on first use and closed when the command ends.
 */
export class CliContext {
  exitCode = 0;
  private cachedConfig?: Config;
  /** `--address` and `--namespace`: above every other source of the Temporal target. */
  private overrides: NodeJS.ProcessEnv = {};
  private temporalSession?: TemporalSession;
  private pool?: pg.Pool;

  constructor(
    readonly io: CliIo,
    readonly out: Output,
    /** Aborted on Ctrl-C: loops that follow a deletion stop and say so. */
    readonly signal: AbortSignal,
  ) {}

  get env(): NodeJS.ProcessEnv {
    return this.io.env;
  }

  /** The global options, taken before the command runs and reads the configuration. */
  target(options: { address?: string; namespace?: string }): void {
    this.overrides = {
      ...(options.address !== undefined && { TEMPORAL_ADDRESS: options.address }),
      ...(options.namespace !== undefined && { TEMPORAL_NAMESPACE: options.namespace }),
    };
  }

  config(): Config {
    this.cachedConfig ??= configured(() => loadConfig({ ...this.io.env, ...this.overrides }));
    return this.cachedConfig;
  }

  webUi(): WebUi {
    return new WebUi(this.io.env, this.config().TEMPORAL_NAMESPACE);
  }

  async temporal(): Promise<TemporalSession> {
    this.temporalSession ??= await connectTemporal(configured(() => temporalAccess(this.config(), this.io.env)));
    return this.temporalSession;
  }

  /** Runs fn against Temporal, translating what Temporal answers into actionable errors. */
  async withTemporal<T>(tenantId: string | undefined, fn: (session: TemporalSession) => Promise<T>): Promise<T> {
    const session = await this.temporal();
    try {
      return await fn(session);
    } catch (error) {
      throw temporalError(error, session.target, tenantId);
    }
  }

  /** Runs fn against the inventory database, translating its errors into actionable ones. */
  async withDb<T>(fn: (db: pg.Pool) => Promise<T>): Promise<T> {
    const url = this.config().DATABASE_URL;
    this.pool ??= openInventoryDb(url);
    try {
      return await fn(this.pool);
    } catch (error) {
      throw databaseError(error, url);
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.temporalSession?.close(), this.pool?.end()]);
  }
}

/** A bad variable (or a file one names, or a codec key) is a usage error: exit 2, naming it. */
function configured<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ConfigError) {
      throw usageError(
        error.message,
        'fix the variables named above (docs/configuration.md lists them with their defaults)',
      );
    }
    throw error;
  }
}
