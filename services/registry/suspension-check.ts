import { z } from 'zod';
import { mintServiceToken, READER_TOKEN_ISSUER, type TokenSigner } from '@tenant-deletion/contract/service-token';
import { REGISTRY } from './registry-settings';

/**
 * The fleet's write guard asks the registry whether a tenant is suspended. Answers are cached briefly
 * because the guard runs on every write; a second is short next to the time between a suspension and
 * the deletion it precedes.
 */

export interface SuspensionCheckOptions {
  registryUrl: string;
  /** The readers' signer: the write guard only reads (registry:read), so a leaked fleet key suspends or erases nothing. */
  signer: TokenSigner;
  cacheMs?: number;
  timeoutMs?: number;
}

/** The registry could not say; the caller decides whether to fail closed. */
export class SuspensionCheckFailed extends Error {
  constructor(
    readonly tenantId: string,
    readonly status: number | undefined,
    message: string,
  ) {
    super(`could not ask the tenant registry whether tenant ${tenantId} is suspended: ${message}`);
    this.name = 'SuspensionCheckFailed';
  }
}

const tenantAnswer = z.object({ tenant_id: z.string(), status: z.string(), suspended: z.boolean() });

/** Entries beyond this many are swept of expired ones, so a long-lived service seeing many tenants stays small. */
const CACHE_SWEEP_SIZE = 1000;

async function askRegistry(options: SuspensionCheckOptions, tenantId: string): Promise<boolean> {
  const token = await mintServiceToken(options.signer, {
    audience: REGISTRY.serviceType,
    subject: 'fleet',
    scopes: ['registry:read'],
  });
  let response: Response;
  try {
    response = await fetch(`${options.registryUrl}/tenants/${encodeURIComponent(tenantId)}`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(options.timeoutMs ?? 2000),
    });
  } catch (error) {
    throw new SuspensionCheckFailed(tenantId, undefined, (error as Error).message);
  }
  // A tenant the registry never heard of has nothing to suspend.
  if (response.status === 404) return false;
  if (response.status !== 200) {
    throw new SuspensionCheckFailed(tenantId, response.status, `the registry answered ${response.status}`);
  }
  const parsed = tenantAnswer.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) throw new SuspensionCheckFailed(tenantId, 200, 'the registry answered an unexpected body');
  return parsed.data.suspended;
}

export function suspensionCheck(options: SuspensionCheckOptions): (tenantId: string) => Promise<boolean> {
  if (options.signer.issuer !== READER_TOKEN_ISSUER) {
    throw new TypeError(`the write guard takes the ${READER_TOKEN_ISSUER} signer, not ${options.signer.issuer}`);
  }
  const cacheMs = options.cacheMs ?? 1000;
  // Promises are cached, not values, so concurrent writes of one tenant share a single request.
  const cache = new Map<string, { expiresAt: number; answer: Promise<boolean> }>();

  return (tenantId) => {
    const now = Date.now();
    const cached = cache.get(tenantId);
    if (cached && cached.expiresAt > now) return cached.answer;
    if (cache.size >= CACHE_SWEEP_SIZE) {
      for (const [key, entry] of cache) if (entry.expiresAt <= now) cache.delete(key);
    }
    const entry = { expiresAt: now + cacheMs, answer: askRegistry(options, tenantId) };
    cache.set(tenantId, entry);
    // A failure is not an answer: the next write asks again.
    entry.answer.catch(() => {
      if (cache.get(tenantId) === entry) cache.delete(tenantId);
    });
    return entry.answer;
  };
}
