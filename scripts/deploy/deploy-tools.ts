import path from 'node:path';
import { stackPaths } from '../../common/stack-paths';
import type { Tools } from './chart-validation';
import { ensureGoTool, HELM, KUBECONFORM, PROMTOOL } from './go-tool';
import { ensureKubernetesSchemas } from './kubernetes-schemas';

/** What the check needs, installed into the stack's cache the first time; the chart's test uses the same. */
export function deployTools(): Tools {
  const paths = stackPaths();
  const logFile = path.join(paths.logDir, 'deploy-tools.log');
  return {
    helm: ensureGoTool(HELM, paths.cacheDir, logFile),
    kubeconform: ensureGoTool(KUBECONFORM, paths.cacheDir, logFile),
    schemaDir: ensureKubernetesSchemas(paths.cacheDir, logFile),
    promtool: ensureGoTool(PROMTOOL, paths.cacheDir, logFile),
  };
}
