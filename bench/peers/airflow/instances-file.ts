import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { FleetInstance } from '@tenant-deletion/example-fleet';

/**
 * The fleet as the DAG (tenant_deletion_dag.py) reads it: one task per instance, ordered by dependsOn. The file sits
 * in AIRFLOW_HOME, where every Airflow process of the peer finds it.
 */

export const INSTANCES_FILE_NAME = 'tenant-deletion-instances.json';

export const peerInstanceSchema = z.object({
  id: z.string(),
  serviceType: z.string(),
  baseUrl: z.url(),
  /** Instances this one needs: its task runs before theirs. */
  dependsOn: z.array(z.string()),
});
export type PeerInstance = z.infer<typeof peerInstanceSchema>;

export function peerInstances(
  instances: readonly FleetInstance[],
  baseUrlOf: (instance: FleetInstance) => string,
): PeerInstance[] {
  return instances.map((instance) =>
    peerInstanceSchema.parse({
      id: instance.serviceInstanceId,
      serviceType: instance.serviceType,
      baseUrl: baseUrlOf(instance),
      dependsOn: instance.dependsOn,
    }),
  );
}

/**
 * Writes the file; returns the fingerprint the DAG puts in its description (sha256 of the same text, 16 hex digits),
 * by which a caller knows Airflow has parsed this version and not one left from an earlier run.
 */
export function writeInstancesFile(airflowHome: string, instances: PeerInstance[]): string {
  const text = `${JSON.stringify(instances, null, 2)}\n`;
  fs.mkdirSync(airflowHome, { recursive: true });
  fs.writeFileSync(path.join(airflowHome, INSTANCES_FILE_NAME), text);
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
