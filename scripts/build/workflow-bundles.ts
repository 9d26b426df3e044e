import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { ENCRYPTED_FAILURE_CONVERTER_PATH } from '../../common/data-converter';
import { prebuiltBundleFile, workflowBundleOptions } from '../../workers/worker-pool';

/**
 * The workflow bundles a compiled worker loads instead of bundling at start (workers/worker-pool.ts picks one):
 * with the payload codec's failure converter, and without it for PAYLOAD_CODEC=off; each with the tracing
 * interceptors, for a worker that traces, and without.
 */
export async function writeWorkflowBundles(workersDir: string): Promise<string[]> {
  const written: string[] = [];
  for (const failureConverterPath of [ENCRYPTED_FAILURE_CONVERTER_PATH, undefined]) {
    for (const traced of [false, true]) {
      const { code } = await bundleWorkflowCode(workflowBundleOptions(failureConverterPath, traced));
      const file = prebuiltBundleFile(workersDir, failureConverterPath, traced);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, code);
      written.push(file);
    }
  }
  return written;
}
