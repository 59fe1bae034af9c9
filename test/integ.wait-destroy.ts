/**
 * Integration test: `waitForCompletion` with `RemovalPolicy.DESTROY`. The deployment waits until
 * the import has finished, so the assertion expects COMPLETED; destroying the test stack cancels
 * nothing (the import is over) and deletes the destination log group. CI only compares the
 * synthesized template with the committed snapshot (integ.wait-destroy.ts.snapshot/); with AWS
 * credentials, `docs/INTEG.md` deploys it.
 */
import { App, CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { EventDataStoreImport, ImportSource } from '../src';
import { expectImportListed, INTEG_APP_CONTEXT, testEventDataStore } from './integ-support';

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
new CfnOutput(stack, 'ImportStatus', { value: imp.importStatus });
new CfnOutput(stack, 'DestinationLogGroupName', { value: imp.destinationLogGroupName });

expectImportListed(app, stack, imp, store, 'COMPLETED');

app.synth();
