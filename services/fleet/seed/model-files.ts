import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { mapWithLimit } from './bounded-parallel';

/**
 * Writes the files seeded rows name (training's model artifacts) under the service's file root, each of
 * the size its row records, so that a deletion has real files to unlink and count.
 */

export interface SeededFile {
  path: string;
  size: number;
}

/** Enough to keep the disk busy without opening thousands of files at once. */
const PARALLEL_WRITES = 32;

export async function writeSeededFiles(fileRoot: string, files: readonly SeededFile[]): Promise<void> {
  const directories = new Set(files.map((file) => path.dirname(path.join(fileRoot, file.path))));
  await mapWithLimit([...directories], PARALLEL_WRITES, (directory) => mkdir(directory, { recursive: true }));
  await mapWithLimit(files, PARALLEL_WRITES, (file) =>
    writeFile(path.join(fileRoot, file.path), Buffer.alloc(file.size, `seeded model ${file.path}\n`)),
  );
}
