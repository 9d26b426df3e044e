import os from 'node:os';
import path from 'node:path';

/**
 * Where fleet services keep tenant files (the training service's model files): FLEET_FILE_ROOT, else a folder
 * in the system's temporary directory, outside the work tree; one folder per service type shared by its instances.
 */
export function fleetFileRoot(serviceType: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.FLEET_FILE_ROOT || path.join(os.tmpdir(), 'tenant-deletion-fleet-files'), serviceType);
}
