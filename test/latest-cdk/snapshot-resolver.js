/**
 * Snapshot resolver of `npx projen test:latest-cdk` (see jest.config.js): snapshots go to
 * <latest-aws-cdk-lib dir>/snapshots/, which the task empties before each run, so they are
 * recorded for inspection, never compared with the committed ones (those belong to the minimum
 * aws-cdk-lib) and never overwrite them.
 */
const path = require('path');

const { root, latest } = require('./paths');
const snapshots = path.join(latest, 'snapshots');

module.exports = {
  resolveSnapshotPath: (testPath, extension) => path.join(snapshots, path.relative(root, testPath) + extension),
  resolveTestPath: (snapshotPath, extension) => {
    const relative = path.relative(snapshots, snapshotPath);
    if (relative.startsWith('..') || path.isAbsolute(relative)) {
      // A committed snapshot (jest's default place, <dir>/__snapshots__/<test>.snap), which jest
      // finds among the project's files: its test is <dir>/<test>. Without this it maps outside
      // the project, jest counts it obsolete, and the run exits 1 with every test passing.
      return path.join(path.dirname(path.dirname(snapshotPath)), path.basename(snapshotPath, extension));
    }
    return path.join(root, relative.slice(0, -extension.length));
  },
  testPathForConsistencyCheck: path.join(root, 'test', 'some.test.ts'),
};
