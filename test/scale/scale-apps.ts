/**
 * The apps the scale checks measure (test/scale and bench/scale.ts): N stores in one stack, in
 * four configurations. Stores by ARN (N distinct stores in the stack's account and region).
 */
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CloudTrailLakeMigration, EventDataStoreImport, ImportSource, ImportTimeRange, MigrationSource } from '../../src';

export const SCALE_ACCOUNT = '111111111111';
export const SCALE_REGION = 'us-east-1';

/** RETAIN and DESTROY: plain imports; `key`: each store with a customer managed key of its own; `migration`: a CloudTrailLakeMigration of N stores that stops Lake ingestion. */
export type ScaleConfiguration = 'retain' | 'destroy' | 'key' | 'migration';
export const SCALE_CONFIGURATIONS: readonly ScaleConfiguration[] = ['retain', 'destroy', 'key', 'migration'];

const id = (i: number) => `0b4f7f2a-7a4d-4d4e-9c1e-${String(i).padStart(12, '0')}`;
export const scaleStoreArn = (i: number) => `arn:aws:cloudtrail:${SCALE_REGION}:${SCALE_ACCOUNT}:eventdatastore/${id(i)}`;
const keyArn = (i: number) => `arn:aws:kms:${SCALE_REGION}:${SCALE_ACCOUNT}:key/${id(i)}`;

/** The app of `n` stores in `configuration`, with the context the CDK CLI passes by default (path metadata, version reporting). */
export function scaleApp(configuration: ScaleConfiguration, n: number, outdir?: string): { app: App; stack: Stack } {
  const app = new App({ outdir, context: { 'aws:cdk:enable-path-metadata': true, 'aws:cdk:version-reporting': true } });
  const stack = new Stack(app, 'Scale', { env: { account: SCALE_ACCOUNT, region: SCALE_REGION } });
  if (configuration === 'migration') {
    new CloudTrailLakeMigration(stack, 'Migration', {
      stores: Array.from({ length: n }, (_, i) => MigrationSource.fromEventDataStoreArn(scaleStoreArn(i), {
        advancedEventSelectors: [{ fieldSelectors: [{ field: 'eventCategory', equalTo: ['Management'] }] }], organizationEnabled: false, multiRegionEnabled: false,
      })),
      stopLakeIngestion: true,
    });
    return { app, stack };
  }
  for (let i = 0; i < n; i++) {
    new EventDataStoreImport(stack, `Import${i}`, {
      source: ImportSource.fromEventDataStoreArn(scaleStoreArn(i), configuration === 'key' ? { encryptionKey: kms.Key.fromKeyArn(stack, `Key${i}`, keyArn(i)) } : {}),
      timeRange: ImportTimeRange.between(new Date('2025-01-01T00:00:00Z'), new Date('2025-02-01T00:00:00Z')),
      removalPolicy: configuration === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
  }
  return { app, stack };
}
