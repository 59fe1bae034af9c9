/**
 * Integration test: a basic import of an event data store (everything in its retention period,
 * RemovalPolicy.RETAIN, no waiting). CI only compares the synthesized template with the committed
 * snapshot (integ.basic.ts.snapshot/); with AWS credentials, `docs/INTEG.md` deploys it.
 *
 * The store is created here because the test needs one; a user would import an existing store
 * with `ImportSource.fromEventDataStoreArn(...)`.
 */
import { Match } from '@aws-cdk/integ-tests-alpha';
import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import { EventDataStoreImport, ImportSource } from '../src';
import { expectImportListed, INTEG_APP_CONTEXT, testEventDataStore } from './integ-support';

const app = new App({ context: INTEG_APP_CONTEXT });
const stack = new Stack(app, 'EventDataStoreImportBasic');

const store = testEventDataStore(stack, 'Store');
const imp = new EventDataStoreImport(stack, 'Import', {
  source: ImportSource.fromEventDataStore(store),
});
new CfnOutput(stack, 'ImportId', { value: imp.importId });
new CfnOutput(stack, 'DestinationLogGroupName', { value: imp.destinationLogGroupName });

expectImportListed(app, stack, imp, store, Match.stringLikeRegexp('^(IN_PROGRESS|COMPLETED)$'));

app.synth();
