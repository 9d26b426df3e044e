import fs from 'node:fs';
import path from 'node:path';

/**
 * Writes a local stack secret (token secret, signing key, codec key) once: readable by its owner only, in a
 * directory only its owner can enter. An existing file is kept, since what was made with it must stay valid; when
 * two `stack:up`s race, the first one's file stands.
 */
export function writeSecretFileOnce(file: string, contents: () => string | Buffer): void {
  if (fs.existsSync(file)) return;
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    fs.writeFileSync(file, contents(), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}
