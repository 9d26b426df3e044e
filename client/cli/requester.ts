import os from 'node:os';
import { identifier } from '@tenant-deletion/contract';
import { usageError } from './exit-codes';

/**
 * Who `tdel` says it is on the local stack, where it signs its own development token: `--as`, else TDEL_USER, else
 * the OS user name made to fit the identifier rule. It is an id, never a name or an e-mail: as the token's subject
 * it becomes requestedBy (or approvedBy) in workflow histories, the ledger and the certificate.
 */
export function resolveRequester(option: string | undefined, env: NodeJS.ProcessEnv): string {
  if (option !== undefined) return option;
  if (env.TDEL_USER) {
    const parsed = identifier.safeParse(env.TDEL_USER);
    if (!parsed.success) {
      throw usageError(`TDEL_USER ${parsed.error.issues[0].message}`, 'set TDEL_USER to an id such as admin-42');
    }
    return parsed.data;
  }
  return sanitizeUserName(osUserName(env));
}

function osUserName(env: NodeJS.ProcessEnv): string {
  try {
    return os.userInfo().username;
  } catch {
    // No passwd entry (some containers): fall back to what the shell says.
    return env.USER ?? env.LOGNAME ?? '';
  }
}

export function sanitizeUserName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._:-]/g, '_').slice(0, 64);
  return cleaned.length > 0 ? cleaned : 'cli';
}
