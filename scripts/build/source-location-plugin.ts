import fs from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'esbuild';

/**
 * Rewrites a source file's `__dirname` to the directory its copy has in dist/, since a bundle has one `__dirname`
 * (the bundle's) for every file inlined in it. dist/ mirrors the sources, so that directory is the bundle's plus
 * the path from the entry's source directory to the file's. `require.resolve('./x')` becomes the path of x's own
 * CommonJS build (`x.cjs`, see PATH_LOADED_MODULES), which must be one of `pathLoaded`.
 */
export function sourceLocationPlugin(repoDir: string, entry: string, pathLoaded: readonly string[]): Plugin {
  const entryDir = path.dirname(path.join(repoDir, entry));
  return {
    name: 'source-location',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, (args) => {
        if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        const source = fs.readFileSync(args.path, 'utf8');
        if (!source.includes('__dirname') && !source.includes('require.resolve(')) return undefined;
        const relativeDir = JSON.stringify(path.relative(entryDir, path.dirname(args.path)) || '.');
        const contents = source
          .replace(/\b__dirname\b/g, `__tdelSourceDir(${relativeDir})`)
          .replace(/require\.resolve\((['"])(\.\.?\/[^'"]+)\1\)/g, (_match, _quote, specifier: string) => {
            const target = path.relative(repoDir, path.resolve(path.dirname(args.path), `${specifier}.ts`));
            if (!pathLoaded.includes(target)) {
              throw new Error(`${args.path} resolves ${specifier} by path: add ${target} to PATH_LOADED_MODULES`);
            }
            return `__tdelSourceFile(${relativeDir}, ${JSON.stringify(`${specifier}.cjs`)})`;
          });
        return { contents, loader: 'ts' };
      });
    },
  };
}

/**
 * Prepended to every ES module bundle: `require`, `__filename` and `__dirname` for the CommonJS habits of the
 * sources and of esbuild's own output, and the two helpers the plugin's rewrites call.
 */
export const ESM_BANNER = [
  "import { createRequire as __tdelCreateRequire } from 'node:module';",
  "import { fileURLToPath as __tdelFileURLToPath } from 'node:url';",
  "import { dirname as __tdelDirname, join as __tdelJoin } from 'node:path';",
  'const require = __tdelCreateRequire(import.meta.url);',
  'const __filename = __tdelFileURLToPath(import.meta.url);',
  'const __dirname = __tdelDirname(__filename);',
  'const __tdelSourceDir = (relative) => __tdelJoin(__dirname, relative);',
  'const __tdelSourceFile = (relative, file) => __tdelJoin(__dirname, relative, file);',
].join('\n');
