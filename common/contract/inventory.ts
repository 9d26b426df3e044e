import { z } from 'zod';
import { identifier, serviceType } from './identifiers';
import { INSTANCE_STATUSES } from './names';

/** One instance in the contract's JSON shape (`tdel inventory list --json`). */
export const serviceInstanceSchema = z.object({
  serviceInstanceId: identifier,
  serviceType,
  baseUrl: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
  dependsOn: z.array(identifier).default([]),
  status: z.enum(INSTANCE_STATUSES).default('ACTIVE'),
});

export type ServiceInstance = z.infer<typeof serviceInstanceSchema>;
