/**
 * Integration test: an import of a KMS-encrypted event data store. The construct reads the key
 * from the store's `kmsKeyId`, allows the import role `kms:Decrypt` / `kms:GenerateDataKey` on it,
 * and adds the key policy statement CloudTrail needs. CI only compares the synthesized template with
 * the committed snapshot (integ.kms.ts.snapshot/); with AWS credentials, `docs/INTEG.md` deploys it.
 */
import { ExpectedResult, Match } from '@aws-cdk/integ-tests-alpha';
import { App, CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { EventDataStoreImport, ImportSource } from '../src';
import { expectImportListed, importIntegTest, INTEG_APP_CONTEXT, readOwnerRecord, SCHEDULED_IMPORT_WAIT, testEventDataStore } from './integ-support';

const app = new App({ context: INTEG_APP_CONTEXT });
const stack = new Stack(app, 'EventDataStoreImportKms');

// Scheduled for deletion (7 days, the shortest wait) when the test stack is destroyed.
const key = new kms.Key(stack, 'StoreKey', {
  enableKeyRotation: true,
  removalPolicy: RemovalPolicy.DESTROY,
  pendingWindow: Duration.days(7),
});
const store = testEventDataStore(stack, 'Store', { kmsKeyId: key.keyArn });
const imp = new EventDataStoreImport(stack, 'Import', {
  source: ImportSource.fromEventDataStore(store),
});
new CfnOutput(stack, 'ImportRecordId', { value: imp.importRecordId });
new CfnOutput(stack, 'DestinationLogGroupName', { value: imp.destinationLogGroupName });

// The deployment ends when the import is scheduled: wait for the orchestrator to start it (its owner
// record STARTED, or already COMPLETED), then check that CloudWatch Logs lists that import.
const integ = importIntegTest(app, stack);
const record = readOwnerRecord(integ, imp, { state: ExpectedResult.stringLikeRegexp('^(STARTED|COMPLETED)$'), wait: SCHEDULED_IMPORT_WAIT });
expectImportListed(integ, record.getAttString('Item.importId.S'), store, Match.stringLikeRegexp('^(IN_PROGRESS|COMPLETED)$'));

app.synth();
