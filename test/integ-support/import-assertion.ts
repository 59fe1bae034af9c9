import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Stack } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import { useBundledCloudWatchLogsClient } from './cloudwatch-logs-client-layer';
import { EventDataStoreImport } from '../../src';

/**
 * The integ test of `stack`, asserting that CloudWatch Logs lists the import of `store` with a
 * status that `importStatus` matches (a string or a Match).
 */
export function expectImportListed(
  app: App, stack: Stack, imp: EventDataStoreImport, store: cloudtrail.CfnEventDataStore, importStatus: unknown,
): IntegTest {
  const integ = new IntegTest(app, `${stack.stackName}Test`, {
    testCases: [stack],
    // A snapshot update would first deploy the previous snapshot, i.e. start a second import.
    stackUpdateWorkflow: false,
  });
  const describe = integ.assertions.awsApiCall('CloudWatchLogs', 'describeImportTasks', { importId: imp.importId });
  useBundledCloudWatchLogsClient(describe);
  describe.expect(ExpectedResult.objectLike({
    imports: [{ importId: imp.importId, importSourceArn: store.attrEventDataStoreArn, importStatus }],
  }));
  return integ;
}
