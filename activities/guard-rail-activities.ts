import { Context } from '@temporalio/activity';
import type pg from 'pg';
import type { Config } from '../common/config';
import { claimWholeTenantStart, type BlastRadiusCheck } from '../db/blast-radius';
import type { RegistryClient } from './registry-client';

/** Guard rails that need the world outside the workflow: the blast-radius ledger and the registry's resume. */

export interface GuardRailDeps {
  db: pg.Pool;
  registry: RegistryClient;
  config: Pick<Config, 'BLAST_RADIUS_MAX_WHOLE_TENANT' | 'BLAST_RADIUS_WINDOW_HOURS'>;
}

export interface BlastRadiusClaim extends BlastRadiusCheck {
  max: number;
  windowHours: number;
}

export function createGuardRailActivities({ db, registry, config }: GuardRailDeps) {
  return {
    async claimWholeTenantStart(input: {
      requestId: string;
      tenantId: string;
      approvedBy?: string;
    }): Promise<BlastRadiusClaim> {
      const max = config.BLAST_RADIUS_MAX_WHOLE_TENANT;
      const windowHours = config.BLAST_RADIUS_WINDOW_HOURS;
      return { ...(await claimWholeTenantStart(db, { ...input, max, windowHours })), max, windowHours };
    },

    /** Lifts the suspend of a tenant whose deletion was cancelled in its grace period. */
    async resumeTenant(tenantId: string, traceId: string): Promise<void> {
      await registry.resume(tenantId, traceId, Context.current().info.attempt);
    },
  };
}

export type GuardRailActivities = ReturnType<typeof createGuardRailActivities>;
