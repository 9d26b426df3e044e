import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { ensureLocalSigningKey } from '../../common/certificates/signing-key';
import { ensureLocalCodecKeys } from '../../common/codec-keys';
import { ensureLocalTokenKeys } from '../../common/service-token-keys';
import { KEY_FILES, keyPath } from './key-volumes';

/**
 * `node dist/scripts/keys/init.js`: docker compose's one-shot init. Makes every key once, with the local stack's own
 * generators, in a state directory only this init mounts, then copies each into its own directory under the keys
 * root (key-volumes.ts), so that each long-running container mounts only its keys. Existing keys are kept, so
 * payloads, tokens and certificates made with them stay valid across restarts.
 */

async function initKeys(stateDir: string, root: string): Promise<void> {
  const env = { ...process.env, TDEL_STATE_DIR: stateDir };
  await ensureLocalTokenKeys(env);
  ensureLocalCodecKeys(env);
  ensureLocalSigningKey(env);
  for (const key of KEY_FILES) {
    const target = keyPath(root, key);
    fs.mkdirSync(path.dirname(target), { recursive: true, mode: key.secret ? 0o700 : 0o755 });
    fs.copyFileSync(key.source(env), target);
    fs.chmodSync(target, key.secret ? 0o600 : 0o644);
    console.log(`${key.variable}=${target}`);
  }
}

new Command('keys-init')
  .description(
    "Makes the deployment's keys once (the three service-token authorities' signing keys and public JWKS, the " +
      'payload codec keys, the certificate signing key) and writes each into its own directory under --root, ' +
      'keeping existing ones. Prints, for each, the variable that names it and its path; never a key.',
  )
  .option('--state-dir <dir>', 'where the keys are made and kept (mounted by this init only)', '/keys/all')
  .option('--root <dir>', 'where each key gets its own directory', '/keys')
  .showHelpAfterError()
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2))
  .action((options: { stateDir: string; root: string }) => initKeys(options.stateDir, options.root))
  .parseAsync()
  .catch((error: Error) => {
    console.error(`keys-init: ${error.message}`);
    process.exit(1);
  });
