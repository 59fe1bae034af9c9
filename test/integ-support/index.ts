export * from './cloudwatch-logs-client-layer';
export * from './test-event-data-store';

/**
 * Context of the integ apps: no construct creation stack traces in the metadata, so that the
 * committed snapshots do not contain the absolute paths of the machine that wrote them.
 */
export const INTEG_APP_CONTEXT = { 'aws:cdk:disable-creation-stack-traces': true };
export * from './import-assertion';
