import pg from 'pg';
import { notFoundError, unreachableError } from './exit-codes';

/**
 * The CLI's one way to the inventory in PostgreSQL, and the database's errors as messages that say what to do.
 * Never prints DATABASE_URL itself: it may carry a password.
 */

export function openInventoryDb(databaseUrl: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2, connectionTimeoutMillis: 5_000 });
  // An idle client dropped by the server is reported here; the next query reports it properly.
  pool.on('error', () => undefined);
  return pool;
}

/** host:port/database, without credentials. */
export function databaseLabel(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    return `${url.hostname}:${url.port || '5432'}${url.pathname}`;
  } catch {
    return 'DATABASE_URL';
  }
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ECONNRESET',
]);

export function databaseError(error: unknown, databaseUrl: string): unknown {
  const where = databaseLabel(databaseUrl);
  const code = (error as { code?: string } | null)?.code;
  const message = (error as Error | null)?.message ?? '';
  if ((code && UNREACHABLE_CODES.has(code)) || /timeout|terminated unexpectedly/i.test(message)) {
    return unreachableError(
      `PostgreSQL unreachable at ${where}${code ? ` (${code})` : ''}: start it with \`npm run stack:up\``,
      'or point DATABASE_URL at the orchestrator database (postgres://…/tenant_deletion)',
    );
  }
  if (code === '3D000') {
    return notFoundError(`database ${where} does not exist`, 'run `npm run stack:up` (it creates and migrates it)');
  }
  if (code === '42P01') {
    return notFoundError(
      `the inventory table service_instances is missing in ${where}`,
      'run `npm run db:migrate` to apply the migrations',
    );
  }
  if (code === '28P01' || code === '28000') {
    return unreachableError(`PostgreSQL at ${where} refused the login`, 'check the user and password in DATABASE_URL');
  }
  return error;
}
