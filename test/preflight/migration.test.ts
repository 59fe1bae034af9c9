/**
 * `preflight` for a CloudTrailLakeMigration: its telemetry rules and the imports that end at the
 * cutover, checked against the CloudTrail stand-in (the store's selectors and status) and the IAM
 * stand-in (the orchestrator's role, simulated with the real policy engine).
 */
import { Stack } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import { ACCOUNT, checksById, editTemplate, PreflightFixture, REGION, stackChecksById, STORE_ARN } from './fixture';
import { CloudTrailLakeMigrationProps, CloudTrailLakeMigration, EventDataStoreImport, ImportSource, MigrationSource } from '../../src';
import { TemplateResolver } from '../../src/preflight/intrinsics';
import { handlerRoleOf, templateRoles } from '../../src/preflight/template-reading';

jest.setTimeout(60_000);

const MANAGEMENT = 'aws/cloudtrail/managementevents';
const DATA = 'aws/cloudtrail/dataevents';
const SELECTORS: cloudtrail.CfnEventDataStore.AdvancedEventSelectorProperty[] = [
  { name: 'Management events', fieldSelectors: [{ field: 'eventCategory', equalTo: ['Management'] }] },
  { name: 'S3 writes', fieldSelectors: [{ field: 'eventCategory', equalTo: ['Data'] }, { field: 'resources.type', equalTo: ['AWS::S3::Object'] }, { field: 'readOnly', equalTo: ['false'] }] },
];
/** The same selectors as GetEventDataStore returns them (other names, other order). */
const STORE_SELECTORS = [
  { Name: 'Writes to S3', FieldSelectors: [{ Field: 'readOnly', Equals: ['false'] }, { Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::S3::Object'] }] },
  { Name: 'Management', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
];

let fx: PreflightFixture;

beforeEach(async () => {
  fx = await PreflightFixture.start();
});

afterEach(async () => {
  await fx.stop();
});

function migrationOf(stack: Stack, options: Partial<CloudTrailLakeMigrationProps> & { organizationEnabled?: boolean } = {}): CloudTrailLakeMigration {
  const { organizationEnabled, ...props } = options;
  return new CloudTrailLakeMigration(stack, 'Migration', {
    stores: [MigrationSource.fromEventDataStoreArn(STORE_ARN, { advancedEventSelectors: SELECTORS, organizationEnabled })],
    ...props,
  });
}

async function migrationChecks(options: Parameters<typeof migrationOf>[1] = {}, edit?: (template: any) => void) {
  const dir = fx.synth((stack) => migrationOf(stack, options));
  if (edit) editTemplate(dir, edit);
  const { code, report } = await fx.json([dir]);
  return { code, report, checks: checksById(report), stackChecks: stackChecksById(report) };
}

/** Takes `action` out of every template policy of the orchestrator's role. */
function withoutAction(action: string): (template: any) => void {
  return (template) => {
    const resolver = new TemplateResolver(template, { partition: 'aws', region: REGION, account: ACCOUNT, physicalIds: new Map() });
    const roleLogicalId = handlerRoleOf(templateRoles(resolver))!.logicalId;
    const documents = Object.values<any>(template.Resources)
      .filter((r) => (r.Type === 'AWS::IAM::ManagedPolicy' || r.Type === 'AWS::IAM::Policy') && (r.Properties.Roles ?? []).some((ref: any) => ref.Ref === roleLogicalId))
      .map((p) => p.Properties.PolicyDocument);
    for (const document of documents) {
      document.Statement = document.Statement
        .map((st: any) => ({ ...st, Action: [st.Action].flat().filter((a: string) => a !== action) }))
        .filter((st: any) => st.Action.length > 0);
    }
  };
}

test('selectors that match the store\'s (any names, any order): pass; the store ingests; the orchestrator may read the ongoing groups', async () => {
  fx.cloudTrail.addStore({ arn: STORE_ARN, retentionPeriod: 2557, advancedEventSelectors: STORE_SELECTORS });
  const { checks, stackChecks } = await migrationChecks();

  expect(checks['migration-selectors']).toMatchObject({ outcome: 'pass' });
  expect(checks['migration-selectors'].detail).toMatch(/ and arn:aws:cloudtrail:.* select \[eventCategory=Data, readOnly=false, resources\.type=AWS::S3::Object\] \| \[eventCategory=Management\]$/);
  expect(checks['migration-store-ingestion']).toEqual(expect.objectContaining({ outcome: 'pass', detail: 'ENABLED' }));
  expect(checks['migration-permissions']).toMatchObject({ outcome: 'pass' });
  expect(checks['migration-permissions'].detail).toContain(`logs:FilterLogEvents on arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${MANAGEMENT}`);
  expect(checks['migration-permissions'].detail).toContain(`logs:FilterLogEvents on arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${DATA}`);
  expect(Object.keys(stackChecks)).toEqual(['credentials', 'active-imports']);
});

test('selectors that differ: a failing check naming the store, both sides shown compactly', async () => {
  fx.cloudTrail.addStore({ arn: STORE_ARN, retentionPeriod: 2557, advancedEventSelectors: [STORE_SELECTORS[1]] });
  const { code, checks, report } = await migrationChecks();

  expect(code).toBe(1);
  const check = checks['migration-selectors'];
  expect(check.outcome).toBe('fail');
  const rule = check.detail.split(' ')[0];
  expect(report.stacks[0].imports[0].logicalId).toMatch(/History/);
  expect(rule).toMatch(/^MigrationTelemetryRule/);
  expect(check.detail).toBe(`${rule} would deliver different events than Lake collects for ${STORE_ARN}: the store selects [eventCategory=Management]; ` +
    'the rule selects [eventCategory=Data, readOnly=false, resources.type=AWS::S3::Object] | [eventCategory=Management]');
  expect(check.fix).toContain('advancedEventSelectors');
});

test('a store whose Lake ingestion is stopped already: a warning (nothing to stop; the cutover would still be measured)', async () => {
  fx.cloudTrail.addStore({ arn: STORE_ARN, retentionPeriod: 2557, advancedEventSelectors: STORE_SELECTORS, status: 'STOPPED_INGESTION' });
  const { checks } = await migrationChecks({ stopLakeIngestion: true });

  expect(checks['migration-store-ingestion']).toEqual({
    id: 'migration-store-ingestion',
    title: 'the store still ingests (its Lake ingestion is not stopped already)',
    outcome: 'warn',
    detail: 'STOPPED_INGESTION: Lake collects no new events. stopLakeIngestion has nothing to stop; the cutover would still be measured on the ongoing log groups, ' +
      'and events between the stop and the rule\'s first delivery are in neither',
    fix: `Start ingestion (\`aws cloudtrail start-event-data-store-ingestion --event-data-store ${STORE_ARN}\`) before deploying, or accept that gap.`,
  });
  expect(checks['migration-permissions']).toMatchObject({ outcome: 'pass' });
  expect(checks['migration-permissions'].detail).toContain(`cloudtrail:StopEventDataStoreIngestion on ${STORE_ARN}`);
});

test('an organisation rule: information about the account it is created from', async () => {
  fx.cloudTrail.addStore({ arn: STORE_ARN, retentionPeriod: 2557, advancedEventSelectors: STORE_SELECTORS, organizationEnabled: true });
  const { code, report, stackChecks, checks } = await migrationChecks({ organizationEnabled: true, organization: { organizationId: 'o-a1b2c3d4e5', managementAccountId: ACCOUNT } });

  const [id] = Object.keys(stackChecks).filter((k) => k.startsWith('organization-rule:'));
  expect(id).toMatch(/^organization-rule:MigrationOrganizationTelemetryRule/);
  expect(stackChecks[id]).toMatchObject({
    outcome: 'info',
    detail: `organisation rules are created from the management or delegated administrator account; this is ${ACCOUNT}`,
  });
  expect(checks['migration-selectors']).toMatchObject({ outcome: 'pass' });
  expect(report.summary.info).toBe(1);
  // Information changes no exit code: everything else passes here.
  expect(report.summary).toEqual({ 'pass': expect.any(Number), 'warn': 0, 'fail': 0, 'could-not-check': 0, 'info': 1 });
  expect(code).toBe(0);
  const { stdout } = await fx.run(['preflight', fx.synth((stack) => migrationOf(stack, { organizationEnabled: true, organization: { organizationId: 'o-a1b2c3d4e5', managementAccountId: ACCOUNT } }))]);
  expect(stdout).toContain(`  [info] the organisation telemetry rule ${id.split(':')[1]} is created from the management or delegated administrator account: ` +
    `organisation rules are created from the management or delegated administrator account; this is ${ACCOUNT}\n`);
  expect(stdout.trimEnd().split('\n').pop()).toMatch(/, 1 for information\.$/);
});

test.each([
  ['logs:FilterLogEvents', {}, `logs:FilterLogEvents on arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${MANAGEMENT}`],
  ['cloudtrail:StopEventDataStoreIngestion', { stopLakeIngestion: true }, `cloudtrail:StopEventDataStoreIngestion on ${STORE_ARN}`],
])('the orchestrator\'s role without %s: a failing check naming the action', async (action, options, missing) => {
  fx.cloudTrail.addStore({ arn: STORE_ARN, retentionPeriod: 2557, advancedEventSelectors: STORE_SELECTORS });
  const { code, checks } = await migrationChecks(options, withoutAction(action));

  expect(code).toBe(1);
  expect(checks['migration-permissions'].outcome).toBe('fail');
  expect(checks['migration-permissions'].detail).toMatch(/^role \S+ as the template declares it does not allow /);
  expect(checks['migration-permissions'].detail).toContain(missing);
  expect(checks['migration-permissions'].fix).toMatch(/^Grant the orchestrator's role .* these permissions\.$/);
});

test('a plain import has none of the migration checks', async () => {
  fx.cloudTrail.addStore({ arn: STORE_ARN, retentionPeriod: 2557 });
  const dir = fx.synth((stack) => new EventDataStoreImport(stack, 'History', { source: ImportSource.fromEventDataStoreArn(STORE_ARN) }));
  const { report } = await fx.json([dir]);
  expect(Object.keys(checksById(report)).filter((id) => id.startsWith('migration-'))).toEqual([]);
  expect(Object.keys(stackChecksById(report))).toEqual(['credentials', 'active-imports']);
  expect(report.summary).not.toHaveProperty('info');
});
