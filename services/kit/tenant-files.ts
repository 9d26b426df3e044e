import { lstat, realpath, unlink } from 'node:fs/promises';
import path from 'node:path';

/**
 * Files a tenant owns on disk (e.g. trained models), named by paths in its rows relative to the
 * service's file root. Each tenant's files live under its own directory, `<root>/<tenantId>/`, and a
 * path is only ever touched there: a row naming another tenant's file, `..`, an absolute path, or a
 * symlinked directory leading out of the tenant's directory is refused rather than followed. The
 * shared root alone would not do: a row of one tenant could then name, and delete, another's file.
 */

export interface FileOwner {
  table: string;
  column: string;
}

/** Paths are tenant-chosen text: quoted so the message stays one line, and cut so it stays readable. */
const QUOTED_PATH_MAX = 300;

/**
 * A row names a path the kit will not touch. The deletion stops before that row's transaction commits,
 * so the row and the file both stay; the message names the tenant, the row's table and column and the path.
 */
export class KitFileError extends Error {
  readonly code = 'FILE_PATH_REFUSED';

  constructor(
    readonly tenantId: string,
    readonly owner: FileOwner,
    readonly relativePath: string,
    why: string,
  ) {
    super(
      `tenant ${tenantId}: ${owner.table}.${owner.column} names the file ` +
        `${JSON.stringify(relativePath.slice(0, QUOTED_PATH_MAX))}, which ${why}; a tenant's files must lie ` +
        `under <fileRoot>/${tenantId}/. The kit refused to touch it and the deletion stopped, keeping the row ` +
        'and the file: correct the path (or move the file under the tenant directory), then retry',
    );
    this.name = 'KitFileError';
  }
}

export class TenantFiles {
  private constructor(private readonly root: string) {}

  /** Resolves the root once (it must exist) so that later checks compare real paths. */
  static async open(fileRoot: string): Promise<TenantFiles> {
    return new TenantFiles(await realpath(fileRoot));
  }

  /** Whether the tenant's file is there: a preview counts, and a deletion records, only what it would unlink. */
  async exists(tenantId: string, relativePath: string, owner: FileOwner): Promise<boolean> {
    const target = await this.resolve(tenantId, relativePath, owner);
    if (target === undefined) return false;
    try {
      return !(await lstat(target)).isDirectory();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }

  /** Unlinks the tenant's file; false when it was already gone (a repeat, or never written), which is no error. */
  async remove(tenantId: string, relativePath: string, owner: FileOwner): Promise<boolean> {
    const target = await this.resolve(tenantId, relativePath, owner);
    if (target === undefined) return false;
    try {
      await unlink(target);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }

  /**
   * The real path to act on, or undefined when its directory does not exist (so neither does the file).
   * Checked twice: by the text (`..`, absolute, another tenant's directory), then by the directory's real
   * path, so a symlink anywhere on the way (the tenant directory itself included) cannot lead elsewhere.
   * The last component is not followed: unlinking a symlink removes the link, never its target.
   */
  private async resolve(tenantId: string, relativePath: string, owner: FileOwner): Promise<string | undefined> {
    const refuse = (why: string) => new KitFileError(tenantId, owner, relativePath, why);
    // The identifier rule allows `.` and `..`, which name no directory of their own.
    if (tenantId === '.' || tenantId === '..' || tenantId.includes(path.sep)) {
      throw refuse('cannot be confined, as the tenant id is no directory name');
    }
    if (relativePath.includes('\0')) throw refuse('holds a NUL byte');
    if (path.isAbsolute(relativePath)) throw refuse('is absolute, not relative to the file root');
    const tenantDirectory = path.join(this.root, tenantId);
    const resolved = path.resolve(this.root, relativePath);
    if (!isInside(resolved, tenantDirectory)) throw refuse("lies outside the tenant's directory");
    let directory: string;
    try {
      directory = await realpath(path.dirname(resolved));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    if (directory !== tenantDirectory && !isInside(directory, tenantDirectory)) {
      throw refuse("lies in a directory that links out of the tenant's directory");
    }
    return path.join(directory, path.basename(resolved));
  }
}

function isInside(candidate: string, directory: string): boolean {
  return candidate.startsWith(directory + path.sep);
}
