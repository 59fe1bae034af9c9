import { ExpectedResult, IApiCall, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, CfnResource, Duration, Stack } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import { useBundledCloudWatchLogsClient } from './cloudwatch-logs-client-layer';
import { EventDataStoreImport } from '../../src';
import { Orchestrator } from '../../src/orchestrator/orchestrator';

/**
 * How long an assertion waits for the orchestrator to create an import that the deployment only
 * scheduled: a free slot at once, or one poll interval (5 minutes) per look while the account's 3
 * slots are taken, plus the IAM-propagation retries of CreateImportTask.
 */
export const SCHEDULED_IMPORT_WAIT = { totalTimeout: Duration.minutes(30), interval: Duration.seconds(30) };

/** The integ test of `stack`. */
export function importIntegTest(app: App, stack: Stack): IntegTest {
  return new IntegTest(app, `${stack.stackName}Test`, {
    testCases: [stack],
    // A snapshot update would first deploy the previous snapshot, i.e. start a second import.
    stackUpdateWorkflow: false,
  });
}

/**
 * Reads the import's owner record in the stack's ledger (DynamoDB GetItem on its key: the stack
 * and logical ID, and the record ID that is the resource's physical ID).
 *
 * - `state` given: asserts the record's state (a string or an ExpectedResult matcher), waiting
 *   with `wait` if given, and makes `Item.importId.S` readable with `getAttString`.
 * - `expected` given instead: asserts the whole item (DynamoDB's attribute-value form).
 */
export function readOwnerRecord(
  integ: IntegTest, imp: EventDataStoreImport,
  check: { readonly state: ExpectedResult; readonly wait?: typeof SCHEDULED_IMPORT_WAIT } | { readonly expected: ExpectedResult },
): IApiCall {
  const stack = Stack.of(imp);
  const resource = imp.node.findChild('Resource').node.defaultChild as CfnResource;
  const call = integ.assertions.awsApiCall('DynamoDB', 'getItem', {
    TableName: Orchestrator.of(imp).ledger.tableName,
    Key: { pk: { S: `RESOURCE#${stack.stackId}#${resource.logicalId}` }, sk: { S: imp.importRecordId } },
    ConsistentRead: true,
  });
  if ('expected' in check) return call.expect(check.expected);
  // assertAtPath and getAttString both read the flattened response (integ-tests-alpha).
  call.assertAtPath('Item.state.S', check.state);
  return check.wait ? call.waitForAssertions(check.wait) : call;
}

/**
 * Asserts that CloudWatch Logs lists the import `importId` as an import of `store`, with a status
 * that `importStatus` matches (a string or a Match).
 */
export function expectImportListed(integ: IntegTest, importId: string, store: cloudtrail.CfnEventDataStore, importStatus: unknown): IApiCall {
  const describe = integ.assertions.awsApiCall('CloudWatchLogs', 'describeImportTasks', { importId });
  useBundledCloudWatchLogsClient(describe);
  return describe.expect(ExpectedResult.objectLike({
    imports: [{ importId, importSourceArn: store.attrEventDataStoreArn, importStatus }],
  }));
}
