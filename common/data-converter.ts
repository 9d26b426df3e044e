import type { DataConverter } from '@temporalio/common';
import type { PayloadCodecConfig } from './codec-keys';
import { AesGcmPayloadCodec } from './payload-codec';

/**
 * The one DataConverter of clients, workers and the bridge: `new Client({ dataConverter })`,
 * `Worker.create({ dataConverter })`, and, for a prebuilt bundle, `bundleWorkflowCode({ failureConverterPath })`
 * with the same path, since the workflow sandbox converts failures itself.
 */

/** The file exporting `failureConverter`; workers bundle it into the workflow code. */
export const ENCRYPTED_FAILURE_CONVERTER_PATH = require.resolve('./encrypted-failure-converter');

export function dataConverter(config: PayloadCodecConfig): DataConverter {
  if (!config.enabled) return {};
  return {
    payloadCodecs: [new AesGcmPayloadCodec(config.keys)],
    failureConverterPath: ENCRYPTED_FAILURE_CONVERTER_PATH,
  };
}
