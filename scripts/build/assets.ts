import fs from 'node:fs';
import path from 'node:path';

/** The files matching a pattern whose `*` stands for one path segment, relative to `dir`. */
export function expandPattern(dir: string, pattern: string): string[] {
  return pattern
    .split('/')
    .reduce<string[]>(
      (matches, segment) => {
        if (!segment.includes('*')) return matches.map((match) => path.join(match, segment));
        const regex = new RegExp(`^${segment.split('*').map(escapeRegex).join('[^/]*')}$`);
        return matches.flatMap((match) => {
          const absolute = path.join(dir, match);
          if (!fs.existsSync(absolute) || !fs.statSync(absolute).isDirectory()) return [];
          return fs
            .readdirSync(absolute)
            .filter((name) => regex.test(name))
            .sort()
            .map((name) => path.join(match, name));
        });
      },
      [''],
    )
    .filter((match) => fs.existsSync(path.join(dir, match)));
}

function escapeRegex(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

/** Copies each asset to the same relative place under `outDir`; fails on a pattern that matches nothing. */
export function copyAssets(repoDir: string, outDir: string, patterns: readonly string[]): number {
  let copied = 0;
  for (const pattern of patterns) {
    const files = expandPattern(repoDir, pattern);
    if (files.length === 0) throw new Error(`asset pattern ${pattern} matches no file`);
    for (const file of files) {
      fs.mkdirSync(path.dirname(path.join(outDir, file)), { recursive: true });
      fs.copyFileSync(path.join(repoDir, file), path.join(outDir, file));
      copied += 1;
    }
  }
  return copied;
}
