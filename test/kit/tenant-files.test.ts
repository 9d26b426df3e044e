import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KitFileError, TenantFiles } from '../../services/kit/tenant-files';

const owner = { table: 'models', column: 'path' };
let sandbox: string;
let root: string;
let outside: string;
let files: TenantFiles;

beforeAll(async () => {
  sandbox = await mkdtemp(path.join(tmpdir(), 'kit-files-test-'));
  root = path.join(sandbox, 'root');
  outside = path.join(sandbox, 'outside');
  await mkdir(path.join(root, 'tenant-a'), { recursive: true });
  await mkdir(outside);
  await writeFile(path.join(outside, 'secret.txt'), 'not yours');
  await symlink(outside, path.join(root, 'escape'));
  files = await TenantFiles.open(root);
});

afterAll(() => rm(sandbox, { recursive: true, force: true }));

describe('TenantFiles', () => {
  it('unlinks a file under the root, and reports a missing one as not there', async () => {
    await writeFile(path.join(root, 'tenant-a', 'model.bin'), 'weights');
    expect(await files.exists('tenant-a/model.bin', owner)).toBe(true);
    expect(await files.remove('tenant-a/model.bin', owner)).toBe(true);
    expect(await files.remove('tenant-a/model.bin', owner)).toBe(false);
    expect(await files.exists('tenant-a/model.bin', owner)).toBe(false);
    expect(await files.remove('no-such-dir/model.bin', owner)).toBe(false);
  });

  it.each(['../outside/secret.txt', 'tenant-a/../../outside/secret.txt', '/etc/passwd', 'escape/secret.txt', '..'])(
    'refuses %j, which leads out of the root, naming the column but not the path',
    async (escaping) => {
      const refused = files.remove(escaping, owner);
      await expect(refused).rejects.toThrow(KitFileError);
      await expect(files.remove(escaping, owner)).rejects.toThrow('models.path');
      expect(existsSync(path.join(outside, 'secret.txt'))).toBe(true);
    },
  );
});
