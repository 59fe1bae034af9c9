/**
 * Jest configuration of the deploy-time benchmark (bench/*.bench.ts), run by `npx projen bench`
 * (bench/deploy-time.ts), never by `npx projen test`: the test task's configuration (package.json)
 * only matches *.test.ts under src/, test/ and projenrc/. The benchmark runs in jest because the
 * deploy-time world (test/deploy-time/world.ts) loads the bundle with jest.isolateModules.
 */
const path = require('path');

const root = path.resolve(__dirname, '..');

module.exports = {
  rootDir: root,
  roots: ['<rootDir>/bench'],
  testMatch: ['<rootDir>/bench/*.bench.ts'],
  setupFiles: ['<rootDir>/test/setup/polyfills.ts'],
  // test/tsconfig.json has isolatedModules: ts-jest transpiles without type-checking (tsc -p bench does that).
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(root, 'test', 'tsconfig.json') }] },
  collectCoverage: false,
  reporters: ['default'],
  testTimeout: 3_600_000,
};
