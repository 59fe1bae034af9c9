/** Where the latest aws-cdk-lib is installed for `npx projen test:latest-cdk` (LATEST_CDK_DIR overrides). */
const path = require('path');

const root = path.resolve(__dirname, '..', '..');
const latest = process.env.LATEST_CDK_DIR
  ? path.resolve(process.env.LATEST_CDK_DIR)
  : path.join(root, 'node_modules', '.cache', 'latest-aws-cdk-lib');

module.exports = { root, latest };
