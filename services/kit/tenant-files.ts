import { lstat, realpath, unlink } from 'node:fs/promises';
import path from 'node:path';

/**
 * Files a tenant owns on disk (e.g. trained models), named by paths in its rows relative to the
 * service's file root. A path is only ever touched inside that root: a row naming `../..` or an
 * absolute path, or a symlinked directory leading out of the root, is refused rather than followed.
 */

/** A row names a path the kit will not touch; the message names the table and column, never the path (it is tenant data). */
export class KitFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KitFileError';
  }
}

export interface FileOwner {
  table: string;
  column: string;
}

export class TenantFiles {
  private constructor(private readonly root: string) {}

  /** Resolves the root once (it must exist) so that later checks compare real paths. */
  static async open(fileRoot: string): Promise<TenantFiles> {
    return new TenantFiles(await realpath(fileRoot));
  }

  /** Whether the file is there, so that a preview counts what a delete would unlink. */
  async exists(relativePath: string, owner: FileOwner): Promise<boolean> {
    const target = await this.resolve(relativePath, owner);
    if (target === undefined) return false;
    try {
      return !(await lstat(target)).isDirectory();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }

  /** Unlinks the file; false when it was already gone (a repeat, or never written), which is no error. */
  async remove(relativePath: string, owner: FileOwner): Promise<boolean> {
    const target = await this.resolve(relativePath, owner);
    if (target === undefined) return false;
    try {
      await unlink(target);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }

  /** The real path to act on, or undefined when its directory does not exist (so neither does the file). */
  private async resolve(relativePath: string, owner: FileOwner): Promise<string | undefined> {
    const refuse = (why: string) =>
      new KitFileError(
        `${owner.table}.${owner.column} holds a path ${why}; the kit will not touch it, so the deletion stopped`,
      );
    if (path.isAbsolute(relativePath)) throw refuse('that is absolute, not relative to the file root');
    const resolved = path.resolve(this.root, relativePath);
    if (!this.inside(resolved)) throw refuse('that leads out of the file root');
    let directory: string;
    try {
      directory = await realpath(path.dirname(resolved));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    if (directory !== this.root && !this.inside(directory)) throw refuse('whose directory links out of the file root');
    return path.join(directory, path.basename(resolved));
  }

  private inside(candidate: string): boolean {
    return candidate.startsWith(this.root + path.sep);
  }
}
