/**
 * The integ tests' assertions call CloudWatch Logs' `DescribeImportTasks` through
 * `integ.assertions.awsApiCall(...)`. Its singleton function loads `@aws-sdk/client-cloudwatch-logs`
 * from the Lambda runtime, whose built-in SDK version AWS chooses and which may predate the import
 * APIs (they arrived in 3.952.0). Unlike aws-cdk-lib's `AwsCustomResource` (`installLatestAwsSdk`),
 * `@aws-cdk/integ-tests-alpha` has no option to install a newer SDK, so this gives its function a
 * Lambda layer holding the client this repository's lockfile pins, bundled by esbuild. Node.js
 * resolves `/opt/nodejs/node_modules` (layers) before `/var/runtime/node_modules` (the runtime's SDK).
 *
 * Not an integ test itself: integ-runner only runs files named `integ.*.ts`.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { IApiCall } from '@aws-cdk/integ-tests-alpha';
import { CfnResource, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { buildSync } from 'esbuild';

const CLIENT = '@aws-sdk/client-cloudwatch-logs';
/** The construct ID integ-tests-alpha gives its singleton function (its default provider UUID). */
const SINGLETON_ID = 'SingletonFunction1488541a7b23466481b69b4408076b81';
const REPO_ROOT = path.resolve(__dirname, '..', '..');

let bundleDir: string | undefined;

/** The client bundled once per process into `<tmp>/nodejs/node_modules/@aws-sdk/client-cloudwatch-logs`. */
function bundleClient(): string {
  if (bundleDir) return bundleDir;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'integ-logs-client-'));
  const packageDir = path.join(dir, 'nodejs', 'node_modules', ...CLIENT.split('/'));
  const version: string = JSON.parse(fs.readFileSync(require.resolve(`${CLIENT}/package.json`, { paths: [REPO_ROOT] }), 'utf-8')).version;
  buildSync({
    absWorkingDir: REPO_ROOT,
    stdin: { contents: `module.exports = require(${JSON.stringify(CLIENT)});`, resolveDir: REPO_ROOT, loader: 'js' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    legalComments: 'none',
    outfile: path.join(packageDir, 'index.js'),
    logLevel: 'error',
  });
  fs.writeFileSync(path.join(packageDir, 'package.json'), JSON.stringify({ name: CLIENT, version, main: 'index.js' }, undefined, 2) + '\n');
  bundleDir = dir;
  return dir;
}

/**
 * Makes the assertion function of `apiCall`'s stack load the CloudWatch Logs client from a layer
 * instead of the runtime's built-in SDK. Call it once per assertion stack (repeated calls are no-ops).
 */
export function useBundledCloudWatchLogsClient(apiCall: IApiCall): void {
  const stack = Stack.of(apiCall);
  if (stack.node.tryFindChild('CloudWatchLogsClientLayer')) return;
  const handler = stack.node.tryFindChild(SINGLETON_ID)?.node.tryFindChild('Handler');
  if (!CfnResource.isCfnResource(handler) || handler.cfnResourceType !== 'AWS::Lambda::Function') {
    throw new Error(`integ-tests-alpha's assertion function (${SINGLETON_ID}/Handler) was not found in ${stack.stackName}; has its construct ID changed?`);
  }
  const layer = new lambda.LayerVersion(stack, 'CloudWatchLogsClientLayer', {
    code: lambda.Code.fromAsset(bundleClient()),
    description: `${CLIENT} for the integ assertions (the runtime's SDK may predate the import APIs)`,
  });
  handler.addPropertyOverride('Layers', [layer.layerVersionArn]);
}
