import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { build, type BuildOptions } from 'esbuild';
import { copyAssets } from './assets';
import { ASSETS, PATH_LOADED_MODULES, PROGRAMS } from './programs';
import { externalPackagesPlugin, missingRuntimePackages, runtimePackages } from './runtime-packages';
import { ESM_BANNER, sourceLocationPlugin } from './source-location-plugin';
import { writeWorkflowBundles } from './workflow-bundles';

const repoDir = path.resolve(__dirname, '..', '..');

/** The oldest Node the `engines` field allows: the bundles must run there as on the image's LTS. */
const TARGET = 'node20.11';

function outFile(outDir: string, entry: string, extension: string): string {
  return path.join(outDir, entry.replace(/\.ts$/, extension));
}

async function compile(outDir: string): Promise<void> {
  const installed = runtimePackages(repoDir);
  const common: BuildOptions = {
    bundle: true,
    platform: 'node',
    target: TARGET,
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
    absWorkingDir: repoDir,
  };
  await Promise.all([
    ...PROGRAMS.map(async ({ entry }) => {
      const result = await build({
        ...common,
        entryPoints: [entry],
        outfile: outFile(outDir, entry, '.js'),
        // ES modules, so that the ESM-only packages (jose, node-pg-migrate) load on every Node the engines allow.
        format: 'esm',
        banner: { js: ESM_BANNER },
        plugins: [externalPackagesPlugin(repoDir), sourceLocationPlugin(repoDir, entry, PATH_LOADED_MODULES)],
      });
      const missing = missingRuntimePackages(result.metafile!, installed);
      if (missing.length > 0) {
        throw new Error(
          `${entry} loads ${missing.join(', ')} at run time, which npm ci --omit=dev would not install: ` +
            'make it a dependency (of the root or its workspace) or keep it out of the program',
        );
      }
    }),
    ...PATH_LOADED_MODULES.map((entry) =>
      build({
        ...common,
        entryPoints: [entry],
        outfile: outFile(outDir, entry, '.cjs'),
        format: 'cjs',
        plugins: [externalPackagesPlugin(repoDir)],
      }),
    ),
  ]);
}

new Command('build')
  .description(
    'Compiles every program to dist/ so that plain `node dist/<path>.js` starts it: ' +
      PROGRAMS.map(({ entry, description }) => `${entry.replace(/\.ts$/, '.js')} (${description})`).join(', ') +
      '. The npm workspaces are inlined, third-party packages stay in node_modules, the files the programs read ' +
      'beside their sources (migrations, the worker config) are copied, and the workflow bundles are prebuilt.',
  )
  .option('-o, --out-dir <dir>', 'where to write (emptied first)', path.join(repoDir, 'dist'))
  .showHelpAfterError()
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2))
  .action(async (options: { outDir: string }) => {
    const started = Date.now();
    const outDir = path.resolve(options.outDir);
    fs.rmSync(outDir, { recursive: true, force: true });
    fs.mkdirSync(outDir, { recursive: true });
    // The bundles are ES modules named .js; the path-loaded CommonJS ones are .cjs.
    fs.writeFileSync(path.join(outDir, 'package.json'), `${JSON.stringify({ type: 'module' })}\n`);
    await compile(outDir);
    const assets = copyAssets(repoDir, outDir, ASSETS);
    const bundles = await writeWorkflowBundles(path.join(outDir, 'workers'));
    console.log(
      `built ${PROGRAMS.length} programs, ${assets} assets and ${bundles.length} workflow bundles into ` +
        `${path.relative(process.cwd(), outDir) || '.'} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  })
  .parseAsync()
  .catch((error: Error) => {
    console.error(`build: ${error.message}`);
    process.exit(1);
  });
