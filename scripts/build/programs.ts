/**
 * What `npm run build` compiles into dist/: each program an ES module bundle at the same path as its source
 * (`workers/main.ts` → `dist/workers/main.js`), so that files a program finds beside its source (migrations, the
 * worker config) are found beside its bundle, copied to the same relative places.
 */

export interface Program {
  /** The source entry, relative to the repository. */
  entry: string;
  /** What `npm run build -- --help` and the docs say it is. */
  description: string;
}

export const PROGRAMS: readonly Program[] = [
  { entry: 'workers/main.ts', description: 'the workers (one process per --group in production)' },
  { entry: 'client/bridge/main.ts', description: 'the Kafka bridge' },
  { entry: 'client/api/main.ts', description: 'the deletion API' },
  { entry: 'client/codec-server/main.ts', description: 'the payload codec server for the Web UI' },
  { entry: 'client/cli/main.ts', description: 'tdel' },
  { entry: 'db/cli.ts', description: 'the database migrations' },
  { entry: 'scripts/keys/init.ts', description: "the keys' one-shot init (docker compose)" },
  { entry: 'scripts/fleet/run.ts', description: 'the demo fleet and registry' },
  { entry: 'scripts/fleet/seed-cli.ts', description: "the demo fleet's seeder" },
];

/**
 * Modules loaded by path at run time, not imported: the SDK `require`s the failure converter by the path
 * `failureConverterPath` names. Each is compiled on its own to CommonJS (`.cjs`, since dist/ is ESM), with its
 * `require.resolve('./…')` reference rewritten to that file.
 */
export const PATH_LOADED_MODULES: readonly string[] = ['common/encrypted-failure-converter.ts'];

/** Files the programs read beside their sources, relative to the repository (globs of one directory level). */
export const ASSETS: readonly string[] = [
  'workers/worker-config.json',
  'db/migrations/*.sql',
  'services/registry/migrations/*.sql',
  'services/fleet/*/migrations/*.sql',
];
