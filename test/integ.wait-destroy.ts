/**
 * Integration test: `waitForCompletion` with `RemovalPolicy.DESTROY`. The deployment waits until
 * the import has finished, so the assertions expect it COMPLETED, in CloudWatch Logs and in its
 * owner record (which names that import, and says CloudFormation was told SUCCESS); destroying the test stack cancels
 * nothing (the import is over) and deletes the destination log group. CI only compares the
 * synthesized template with the committed snapshot (integ.wait-destroy.ts.snapshot/); with AWS
 * credentials, `docs/INTEG.md` deploys it.
 */
import { ExpectedResult } from '@aws-cdk/integ-tests-alpha';
import { App, CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { EventDataStoreImport, ImportSource } from '../src';
import { expectImportListed, importIntegTest, INTEG_APP_CONTEXT, readOwnerRecord, testEventDataStore } from './integ-support';

const app = new App({ context: INTEG_APP_CONTEXT });
const stack = new Stack(app, 'EventDataStoreImportWaitDestroy');

const store = testEventDataStore(stack, 'Store');
const imp = new EventDataStoreImport(stack, 'Import', {
  source: ImportSource.fromEventDataStore(store),
  waitForCompletion: true,
  completionTimeout: Duration.minutes(30),
  removalPolicy: RemovalPolicy.DESTROY,
});
new CfnOutput(stack, 'ImportId', { value: imp.importId });
new CfnOutput(stack, 'ImportRecordId', { value: imp.importRecordId });
new CfnOutput(stack, 'BytesImported', { value: imp.bytesImported });
new CfnOutput(stack, 'DestinationLogGroupName', { value: imp.destinationLogGroupName });

const integ = importIntegTest(app, stack);
expectImportListed(integ, imp.importId, store, 'COMPLETED');
readOwnerRecord(integ, imp, {
  expected: ExpectedResult.objectLike({
    Item: { state: { S: 'COMPLETED' }, importId: { S: imp.importId }, importStatus: { S: 'COMPLETED' }, cloudFormation: { S: 'SUCCESS' } },
  }),
});

app.synth();
