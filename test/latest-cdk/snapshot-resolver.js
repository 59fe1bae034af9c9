/**
 * Snapshot resolver of `npx projen test:latest-cdk` (see jest.config.js): snapshots go to
 * <latest-aws-cdk-lib dir>/snapshots/, which the task empties before each run, so they are
 * recorded for inspection, never compared with the committed ones (those belong to the minimum
 * aws-cdk-lib) and never overwrite them.
 */
const path = require('path');

const root = path.resolve(__dirname, '..', '..');
const latest = process.env.LATEST_CDK_DIR
  ? path.resolve(process.env.LATEST_CDK_DIR)
  : path.join(root, 'node_modules', '.cache', 'latest-aws-cdk-lib');
const snapshots = path.join(latest, 'snapshots');

module.exports = {
  resolveSnapshotPath: (testPath, extension) => path.join(snapshots, path.relative(root, testPath) + extension),
  resolveTestPath: (snapshotPath, extension) => path.join(root, path.relative(snapshots, snapshotPath).slice(0, -extension.length)),
  testPathForConsistencyCheck: path.join(root, 'test', 'some.test.ts'),
};
