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
  await mkdir(path.join(root, 'tenant-a', 'models'), { recursive: true });
  await mkdir(path.join(root, 'tenant-b'), { recursive: true });
  await mkdir(outside);
  await writeFile(path.join(outside, 'secret.txt'), 'not yours');
  await writeFile(path.join(root, 'tenant-b', 'model.bin'), "tenant-b's weights");
  await writeFile(path.join(root, 'shared.bin'), 'in the root, no tenant');
  await symlink(outside, path.join(root, 'escape'));
  // Inside tenant-a's directory, but leading to tenant-b's: refused by the real path, not the text.
  await symlink(path.join(root, 'tenant-b'), path.join(root, 'tenant-a', 'neighbour'));
  await symlink(outside, path.join(root, 'tenant-a', 'out'));
  // A tenant directory that is itself a link to another tenant's.
  await symlink(path.join(root, 'tenant-b'), path.join(root, 'tenant-c'));
  files = await TenantFiles.open(root);
});

afterAll(() => rm(sandbox, { recursive: true, force: true }));

const untouched = () => {
  expect(existsSync(path.join(outside, 'secret.txt'))).toBe(true);
  expect(existsSync(path.join(root, 'tenant-b', 'model.bin'))).toBe(true);
  expect(existsSync(path.join(root, 'shared.bin'))).toBe(true);
};

describe('TenantFiles', () => {
  it("unlinks a file under the tenant's directory, and reports a missing one as not there", async () => {
    await writeFile(path.join(root, 'tenant-a', 'models', 'model.bin'), 'weights');
    expect(await files.exists('tenant-a', 'tenant-a/models/model.bin', owner)).toBe(true);
    expect(await files.remove('tenant-a', 'tenant-a/models/model.bin', owner)).toBe(true);
    expect(await files.remove('tenant-a', 'tenant-a/models/model.bin', owner)).toBe(false);
    expect(await files.exists('tenant-a', 'tenant-a/models/model.bin', owner)).toBe(false);
    expect(await files.remove('tenant-a', 'tenant-a/no-such-dir/model.bin', owner)).toBe(false);
    expect(await files.exists('tenant-a', 'tenant-a/models', owner)).toBe(false);
  });

  it('accepts a path that wanders but ends inside the tenant directory', async () => {
    await writeFile(path.join(root, 'tenant-a', 'kept.bin'), 'weights');
    expect(await files.exists('tenant-a', 'tenant-a/models/../kept.bin', owner)).toBe(true);
  });

  it('removes a symlink inside the tenant directory, never its target', async () => {
    await symlink(path.join(root, 'tenant-b', 'model.bin'), path.join(root, 'tenant-a', 'link.bin'));
    expect(await files.remove('tenant-a', 'tenant-a/link.bin', owner)).toBe(true);
    untouched();
  });

  it.each([
    ['another tenant', 'tenant-b/model.bin', "outside the tenant's directory"],
    ['a walk into another tenant', 'tenant-a/../tenant-b/model.bin', "outside the tenant's directory"],
    ['the root itself', 'shared.bin', "outside the tenant's directory"],
    ['the tenant directory', 'tenant-a', "outside the tenant's directory"],
    ['out of the root', '../outside/secret.txt', "outside the tenant's directory"],
    ['a deep walk out', 'tenant-a/../../outside/secret.txt', "outside the tenant's directory"],
    ['an absolute path', '/etc/passwd', 'absolute'],
    ['a symlinked directory in the root', 'escape/secret.txt', "outside the tenant's directory"],
    ['a symlink to another tenant', 'tenant-a/neighbour/model.bin', 'links out'],
    ['a symlink out of the root', 'tenant-a/out/secret.txt', 'links out'],
    ['a NUL byte', 'tenant-a/model.bin\0.txt', 'NUL'],
  ])('refuses %s (%j), naming the tenant, the table, the column and the path', async (_, escaping, why) => {
    for (const act of [
      () => files.remove('tenant-a', escaping, owner),
      () => files.exists('tenant-a', escaping, owner),
    ]) {
      const error = await act().catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(KitFileError);
      expect(error).toMatchObject({ code: 'FILE_PATH_REFUSED', tenantId: 'tenant-a', owner, relativePath: escaping });
      const message = (error as KitFileError).message;
      expect(message).toContain('tenant tenant-a: models.path');
      expect(message).toContain(JSON.stringify(escaping));
      expect(message).toContain(why);
    }
    untouched();
  });

  it('refuses a tenant directory that is a symlink to another tenant', async () => {
    await expect(files.remove('tenant-c', 'tenant-c/model.bin', owner)).rejects.toThrow('links out');
    untouched();
  });

  it.each(['.', '..'])('refuses tenant id %j, which names no directory of its own', async (tenantId) => {
    await expect(files.remove(tenantId, `${tenantId}/secret.txt`, owner)).rejects.toThrow(KitFileError);
    await expect(files.remove(tenantId, 'tenant-b/model.bin', owner)).rejects.toThrow('no directory name');
    untouched();
  });
});
