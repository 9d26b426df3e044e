import path from 'node:path';
import { stackPaths } from '../../common/stack-paths';

/**
 * Where fleet services keep tenant files (the training service's model files): beside the local stack's
 * other data, outside the work tree, one folder per service type shared by its instances.
 */
export function fleetFileRoot(serviceType: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(stackPaths(env).stateDir, 'fleet-files', serviceType);
}
