const path = require('path');
const root = path.resolve(__dirname, '..', '..');
const snapshots = path.join(root, 'node_modules', '.cache', 'latest-aws-cdk-lib', 'snapshots');
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
