import { builtinModules } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import type { Metafile, Plugin } from 'esbuild';

/**
 * Third-party packages stay outside the bundles, loaded from node_modules at run time (the image installs them with
 * `npm ci --omit=dev`); the npm workspaces (@tenant-deletion/*) export TypeScript sources, so they are inlined.
 */

const WORKSPACE_SCOPE = '@tenant-deletion/';
const CJS_NAMESPACE = 'commonjs-package';

/**
 * Node's ES module loader guesses a CommonJS package's named exports and misses some (`temporal` of
 * @temporalio/proto, `Format` of cli-progress), so an ES module bundle reaches a CommonJS package through
 * `require` (esbuild's interop then gives the names), and only ES module packages (jose, node-pg-migrate) through
 * `import`, which Node 20.11 needs since it cannot `require` them.
 */
export function externalPackagesPlugin(repoDir: string): Plugin {
  return {
    name: 'external-packages',
    setup(build) {
      const esmOnly = build.initialOptions.format === 'esm';
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path.startsWith(WORKSPACE_SCOPE)) return undefined;
        const name = packageName(args.path);
        if (!esmOnly || args.kind === 'require-call' || isBuiltin(name) || isEsModulePackage(repoDir, name)) {
          return { path: args.path, external: true };
        }
        return { path: args.path, namespace: CJS_NAMESPACE };
      });
      build.onLoad({ filter: /.*/, namespace: CJS_NAMESPACE }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(args.path)});`,
        loader: 'js',
      }));
    },
  };
}

function isBuiltin(name: string): boolean {
  return builtinModules.includes(name.replace(/^node:/, ''));
}

function isEsModulePackage(repoDir: string, name: string): boolean {
  const manifest = path.join(repoDir, 'node_modules', name, 'package.json');
  if (!fs.existsSync(manifest)) throw new Error(`${name} is imported but not installed in node_modules`);
  return JSON.parse(fs.readFileSync(manifest, 'utf8')).type === 'module';
}

function packageName(specifier: string): string {
  const parts = specifier.replace(/^node:/, '').split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The packages `npm ci --omit=dev` installs: the root's and the workspaces' dependencies. */
export function runtimePackages(repoDir: string): Set<string> {
  const root = JSON.parse(fs.readFileSync(path.join(repoDir, 'package.json'), 'utf8'));
  const manifests = [
    root,
    ...(root.workspaces as string[]).map((dir) =>
      JSON.parse(fs.readFileSync(path.join(repoDir, dir, 'package.json'), 'utf8')),
    ),
  ];
  return new Set(manifests.flatMap((manifest) => Object.keys(manifest.dependencies ?? {})));
}

/** The packages a bundle loads at run time that the runtime image would not have (dev dependencies, undeclared). */
export function missingRuntimePackages(metafile: Metafile, installed: Set<string>): string[] {
  const external = Object.values(metafile.inputs).flatMap((input) =>
    input.imports
      // Only packages: esbuild also lists its `<runtime>` and relative imports TypeScript elided as type-only.
      .filter((imported) => imported.external && /^[^./<]/.test(imported.path))
      .map((imported) => packageName(imported.path)),
  );
  return [...new Set(external)].filter((name) => !isBuiltin(name) && !installed.has(name)).sort();
}
