/** Integration tests talk to the real local stack (`npm run stack:up`), so they run one file at a time. */
module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: { module: 'commonjs', moduleResolution: 'node', isolatedModules: true } }],
    '^.+\\.m?js$': '<rootDir>/test/esm-to-cjs.cjs',
  },
  transformIgnorePatterns: ['/node_modules/(?!(jose|node-pg-migrate)/)'],
  maxWorkers: 1,
  testTimeout: 60_000,
};
