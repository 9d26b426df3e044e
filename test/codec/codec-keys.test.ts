import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  describePayloadCodec,
  ensureLocalCodecKeys,
  loadPayloadCodecConfig,
  localCodecKeysFile,
  newCodecKeyEntry,
} from '../../common/codec-keys';
import { configError } from '../config-error';

const secretKey = randomBytes(32).toString('base64');
let stateDir: string;

beforeEach(() => {
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'codec-keys-'));
});
afterEach(() => fs.rmSync(stateDir, { recursive: true, force: true }));

const problems = (env: NodeJS.ProcessEnv): string =>
  configError(() => loadPayloadCodecConfig({ TDEL_STATE_DIR: stateDir, ...env })).message;

describe('loadPayloadCodecConfig', () => {
  it('reads keyId:base64key entries, the first one active', () => {
    const older = randomBytes(32);
    const config = loadPayloadCodecConfig({
      TDEL_STATE_DIR: stateDir,
      PAYLOAD_CODEC_KEYS: `k2:${secretKey}, k1:${older.toString('base64url')}`,
    });
    expect(config).toEqual({
      enabled: true,
      source: 'PAYLOAD_CODEC_KEYS',
      keys: [
        { id: 'k2', key: Buffer.from(secretKey, 'base64') },
        { id: 'k1', key: older },
      ],
    });
    expect(describePayloadCodec(config)).toBe(
      'payloads encrypted with AES-256-GCM, key "k2"; also decrypting with "k1" (from PAYLOAD_CODEC_KEYS)',
    );
  });

  it('is off with PAYLOAD_CODEC=off, and says so', () => {
    const config = loadPayloadCodecConfig({ PAYLOAD_CODEC: 'off', PAYLOAD_CODEC_KEYS: 'broken' });
    expect(config).toEqual({ enabled: false });
    expect(describePayloadCodec(config)).toMatch(/off/);
    expect(problems({ PAYLOAD_CODEC: 'maybe' })).toContain('PAYLOAD_CODEC must be on or off (got "maybe")');
  });

  it('names the entry and key id of a bad key, never its bytes', () => {
    const short = randomBytes(16).toString('base64');
    const message = problems({ PAYLOAD_CODEC_KEYS: `good:${secretKey},short:${short},${secretKey},bad:!!!` });
    expect(message).toContain('PAYLOAD_CODEC_KEYS entry 2 (key id "short") must be 32 bytes in base64');
    expect(message).toContain('(it is 16 bytes)');
    expect(message).toContain('PAYLOAD_CODEC_KEYS entry 3 is not keyId:base64key');
    expect(message).toContain('PAYLOAD_CODEC_KEYS entry 4 (key id "bad") must be 32 bytes in base64, e.g. from');
    expect(message).not.toContain(short);
    expect(message).not.toContain(secretKey);
  });

  it('refuses duplicate key ids, an empty list, and both sources at once', () => {
    expect(problems({ PAYLOAD_CODEC_KEYS: `a:${secretKey},a:${secretKey}` })).toContain('lists key id "a" twice');
    expect(problems({ PAYLOAD_CODEC_KEYS: ' , ' })).toContain('PAYLOAD_CODEC_KEYS lists no key');
    expect(problems({ PAYLOAD_CODEC_KEYS: `a:${secretKey}`, PAYLOAD_CODEC_KEYS_FILE: '/x' })).toContain('set only one');
  });

  it('reads PAYLOAD_CODEC_KEYS_FILE, one entry a line, naming the file in errors', () => {
    const file = path.join(stateDir, 'keys');
    fs.writeFileSync(file, `${newCodecKeyEntry('k2')}\n${newCodecKeyEntry('k1')}\n`);
    const config = loadPayloadCodecConfig({ PAYLOAD_CODEC_KEYS_FILE: file });
    expect(config.enabled && config.keys.map((key) => key.id)).toEqual(['k2', 'k1']);
    fs.writeFileSync(file, 'k1:short\n');
    expect(problems({ PAYLOAD_CODEC_KEYS_FILE: file })).toContain(`${file} entry 1 (key id "k1")`);
    expect(problems({ PAYLOAD_CODEC_KEYS_FILE: path.join(stateDir, 'none') })).toContain('does not exist');
  });

  it('falls back to the local stack key file, and explains every way out when it is missing', () => {
    expect(problems({})).toMatch(/PAYLOAD_CODEC_KEYS is not set: .*npm run stack:up.*PAYLOAD_CODEC=off/s);
    const file = ensureLocalCodecKeys({ TDEL_STATE_DIR: stateDir }, new Date('2025-03-04T05:06:07Z'));
    expect(file).toBe(localCodecKeysFile({ TDEL_STATE_DIR: stateDir }));
    const config = loadPayloadCodecConfig({ TDEL_STATE_DIR: stateDir });
    expect(config.enabled && config.keys.map((key) => key.id)).toEqual(['local-20250304']);
    expect(config.enabled && config.source).toBe(file);
  });
});

describe('ensureLocalCodecKeys', () => {
  it('writes a 0600 key file outside the repo once, and keeps it', () => {
    const env = { TDEL_STATE_DIR: stateDir };
    const file = ensureLocalCodecKeys(env);
    expect(file.startsWith(stateDir)).toBe(true);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const first = fs.readFileSync(file, 'utf8');
    expect(first).toMatch(/^local-\d{8}:[A-Za-z0-9+/]{43}=\n$/);
    ensureLocalCodecKeys(env, new Date('2030-01-01'));
    expect(fs.readFileSync(file, 'utf8')).toBe(first);
  });
});
