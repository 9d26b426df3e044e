import { z } from 'zod';

/** tenantId, serviceInstanceId, traceId, requestedBy: the contract's identifier rule. */
export const identifier = z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, 'must be 1-64 characters of A-Z a-z 0-9 . _ : -');

/** serviceType names a task queue and a bulkhead, so it is stricter. */
export const serviceType = z.string().regex(/^[a-z0-9-]{1,50}$/, 'must be 1-50 characters of a-z 0-9 -');

export const isoTimestamp = z.iso.datetime({ offset: true });
