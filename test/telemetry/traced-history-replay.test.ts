import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type WorkflowBundle } from '@temporalio/worker';
import { workflowBundleOptions } from '../../workers/worker-pool';

/**
 * A traced worker's workflow bundle carries the SDK's tracing interceptors; histories recorded without them (the last
 * release's, test/workflows/histories) must replay under it command for command, or turning tracing on would fail the
 * runs open then.
 */
const HISTORIES = path.join(__dirname, '..', 'workflows', 'histories');
const files = readdirSync(HISTORIES).filter((file) => file.endsWith('.json'));

let bundle: WorkflowBundle;
beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  // The recorded histories have plain payloads: the codec-off bundle, as npm run build prebuilds it.
  bundle = await bundleWorkflowCode(workflowBundleOptions(undefined, true));
}, 180_000);

describe('replay under the tracing interceptors', () => {
  it('bundles them', () => {
    expect(bundle.code).toContain('OpenTelemetryInboundInterceptor');
  });

  it.each(files)(
    'replays %s without a determinism violation',
    async (file) => {
      const history: unknown = JSON.parse(readFileSync(path.join(HISTORIES, file), 'utf8'));
      await expect(Worker.runReplayHistory({ workflowBundle: bundle }, history)).resolves.toBeUndefined();
    },
    120_000,
  );
});
