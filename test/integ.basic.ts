/**
 * Integration test: a basic import of an event data store (everything in its retention period,
 * RemovalPolicy.RETAIN, no waiting: the deployment ends when the import is scheduled). CI only
 * compares the synthesized template with the committed snapshot (integ.basic.ts.snapshot/); with
 * AWS credentials, `docs/INTEG.md` deploys it.
 *
 * The store is created here because the test needs one; a user would import an existing store
 * with `ImportSource.fromEventDataStoreArn(...)`.
 */
import { ExpectedResult, Match } from '@aws-cdk/integ-tests-alpha';
import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import { EventDataStoreImport, ImportSource } from '../src';
import { expectImportListed, importIntegTest, INTEG_APP_CONTEXT, readOwnerRecord, SCHEDULED_IMPORT_WAIT, testEventDataStore } from './integ-support';

const app = new App({ context: INTEG_APP_CONTEXT });
const stack = new Stack(app, 'EventDataStoreImportBasic');

const store = testEventDataStore(stack, 'Store');
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
