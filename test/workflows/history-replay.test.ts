import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';

/**
 * Histories recorded by the workflows' last release (`npm run histories:record`: plain payloads, fake fleet, no PII).
 * A worker with today's code must replay each of them command for command, or runs open during a deploy would fail
 * their tasks.
 */
const HISTORIES = path.join(__dirname, 'histories');
const files = existsSync(HISTORIES) ? readdirSync(HISTORIES).filter((file) => file.endsWith('.json')) : [];

beforeAll(() => Runtime.install({ logger: new DefaultLogger('ERROR') }));

describe('workflow history replay', () => {
  it('has recorded histories to replay', () => {
    // With none, nothing is checked: record them with `npm run histories:record`.
    expect(files).not.toEqual([]);
  });

  // it.each throws on an empty table, which would hide the clear failure above behind its own message.
  if (files.length > 0) {
    it.each(files)(
      'replays %s without a determinism violation',
      async (file) => {
        // The JSON `temporal workflow show -o json` writes; the worker converts it.
        const history: unknown = JSON.parse(readFileSync(path.join(HISTORIES, file), 'utf8'));
        await expect(
          Worker.runReplayHistory({ workflowsPath: require.resolve('../../workflows') }, history),
        ).resolves.toBeUndefined();
      },
      120_000,
    );
  }
});
