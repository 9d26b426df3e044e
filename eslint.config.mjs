import eslint from '@eslint/js';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

// The npm workspaces beside the orchestrator (package.json "workspaces"); the demo ones are examples it never runs.
const EXAMPLES = ['./services/fleet', './services/registry'];
const ORCHESTRATOR = ['./workflows', './activities', './workers', './client', './common', './db'];

export default tseslint.config(
  { ignores: ['node_modules/', 'coverage/', 'bench/results/', 'dist/'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Workflow code is replayed: it must not reach for I/O or the wall clock directly.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['pg', 'kafkajs', 'node:*', 'fs', 'http', 'https', 'net'] }],
    },
  },
  // Data flows one way: client -> workflow -> activity -> service. A layer may name a later layer's types, never
  // run its code, and never reaches back to an earlier one.
  ...oneWay('workflows/**/*.ts', ['activities', 'services'], ['client', 'workers']),
  ...oneWay('activities/**/*.ts', [], ['client', 'workers', 'workflows']),
  ...oneWay('services/**/*.ts', [], ['client', 'workers', 'workflows', 'activities']),
  ...oneWay('{common,db}/**/*.ts', [], ['client', 'workers', 'workflows', 'activities', 'services']),
  {
    // Packages meet through their names and exports only: nothing outside a workspace reaches into it by a relative
    // path, and a workspace reaches nothing outside itself by one (the nearest package.json decides). No cycles.
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js', '.mjs', '.cjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })],
    },
    rules: {
      'import-x/no-relative-packages': 'error',
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      // The orchestrator never runs the demo fleet or registry, by a relative path or by their package names.
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: import.meta.dirname,
          zones: [{ target: ORCHESTRATOR, from: EXAMPLES, message: 'the demo fleet and registry are examples' }],
        },
      ],
    },
  },
  // Tests test the packages' internals.
  { files: ['test/**/*.ts'], rules: { 'import-x/no-relative-packages': 'off' } },
);

function oneWay(files, typesOnly, never) {
  const regex = (dirs) => `^(\\.\\./)+(${dirs.join('|')})(/|$)`;
  return [
    {
      files: [files],
      rules: {
        '@typescript-eslint/no-restricted-imports': [
          'error',
          {
            patterns: [
              ...(typesOnly.length > 0
                ? [
                    {
                      regex: regex(typesOnly),
                      allowTypeImports: true,
                      message: 'types only: data flows client -> workflow -> activity -> service',
                    },
                  ]
                : []),
              ...(never.length > 0
                ? [
                    {
                      regex: regex(never),
                      message: 'data flows client -> workflow -> activity -> service: no import back',
                    },
                  ]
                : []),
            ],
          },
        ],
      },
    },
  ];
}
