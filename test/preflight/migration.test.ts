/**
 * `preflight` for a CloudTrailLakeMigration: its telemetry rules and the imports that end at the
 * cutover, checked against the CloudTrail stand-in (the store's selectors and status) and the IAM
 * stand-in (the orchestrator's role, simulated with the real policy engine).
 */
import { Stack } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import { ACCOUNT, checksById, editTemplate, PreflightFixture, readTemplate, REGION, stackChecksById, STORE_ARN } from './fixture';
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
  expect(Object.keys(stackChecks)).toEqual(['credentials', 'active-imports', 'rule-conflicts']);
  expect(stackChecks['rule-conflicts']).toEqual(expect.objectContaining({ outcome: 'pass', detail: '0 telemetry rules listed, no other CloudTrail rule' }));
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

describe('conflicting CloudTrail telemetry rules (ListTelemetryRules, ListTelemetryRulesForOrganization)', () => {
  const ORG = { organizationId: 'o-a1b2c3d4e5', managementAccountId: ACCOUNT };
  const rule = (name: string, resourceType = 'AWS::CloudTrail') =>
    ({ RuleName: name, RuleArn: `arn:aws:observabilityadmin:${REGION}:${ACCOUNT}:telemetry-rule/${name}`, ResourceType: resourceType, TelemetryType: 'Logs' });
  const ownRuleName = (dir: string) =>
    Object.values<any>(readTemplate(dir).Resources).find((r) => r.Type === 'AWS::ObservabilityAdmin::TelemetryRule').Properties.RuleName as string;

  beforeEach(() => {
    fx.cloudTrail.addStore({ arn: STORE_ARN, retentionPeriod: 2557, advancedEventSelectors: STORE_SELECTORS });
  });

  test('another CloudTrail rule in the account: a failing check naming it, the delete command and the adopt option', async () => {
    fx.observabilityAdmin.rules.ACCOUNT.push(rule('vpc-flow-logs', 'AWS::EC2::VPC'), rule('console-cloudtrail'), rule('team-cloudtrail'));
    const { code, stackChecks } = await migrationChecks();
    expect(code).toBe(1);
    expect(stackChecks['rule-conflicts']).toEqual({
      id: 'rule-conflicts',
      title: 'the account has no CloudTrail telemetry rule besides the stack\'s own (or those adopted)',
      outcome: 'fail',
      detail: 'the account already has the CloudTrail telemetry rules console-cloudtrail, team-cloudtrail: a second CloudTrail rule in a scope is rejected, ' +
        'and with conflicting rules none of them is applied; the deployment would fail',
      fix: `Delete each if this migration replaces it (\`aws observabilityadmin delete-telemetry-rule --rule-identifier <name> --region ${REGION}\`), ` +
        'or adopt it: adoptTelemetryRuleNames: [\'console-cloudtrail\', \'team-cloudtrail\'] on the CloudTrailLakeMigration.',
    });
    // Every page is read (two rules a page).
    expect(fx.observabilityAdmin.operations()).toEqual(['ListTelemetryRules', 'ListTelemetryRules']);
  });

  test('the stack\'s own rule (a redeploy) and an adopted one: pass, naming the adopted one; one not adopted still fails', async () => {
    const dir = fx.synth((stack) => migrationOf(stack, { adoptTelemetryRuleNames: ['console-cloudtrail'] }));
    fx.observabilityAdmin.rules.ACCOUNT.push(rule(ownRuleName(dir)), rule('console-cloudtrail'));
    const first = stackChecksById((await fx.json([dir])).report);
    expect(first['rule-conflicts']).toMatchObject({ outcome: 'pass', detail: '2 telemetry rules listed, no other CloudTrail rule; adopted (adoptTelemetryRuleNames): console-cloudtrail' });

    fx.observabilityAdmin.rules.ACCOUNT.push(rule('team-cloudtrail'));
    const second = stackChecksById((await fx.json([dir])).report);
    expect(second['rule-conflicts'].outcome).toBe('fail');
    expect(second['rule-conflicts'].detail).toMatch(/^the account already has the CloudTrail telemetry rule team-cloudtrail: .*; adopted \(adoptTelemetryRuleNames\): console-cloudtrail$/);
  });

  test('access denied: could-not-check, saying so and which action preflight needs', async () => {
    fx.observabilityAdmin.denied.add('ListTelemetryRules');
    const { code, stackChecks } = await migrationChecks();
    expect(code).toBe(2);
    expect(stackChecks['rule-conflicts'].outcome).toBe('could-not-check');
    expect(stackChecks['rule-conflicts'].detail).toMatch(/^access denied: ListTelemetryRules failed: AccessDeniedException: /);
    expect(stackChecks['rule-conflicts'].fix).toBe('Run preflight with credentials that may observabilityadmin:ListTelemetryRules, ' +
      'or list the rules by hand: `aws observabilityadmin list-telemetry-rules`.');
  });

  test('an organisation rule: the organisation\'s rules are listed, not the account\'s', async () => {
    fx.observabilityAdmin.rules.ORGANIZATION.push(rule('org-cloudtrail'));
    fx.observabilityAdmin.rules.ACCOUNT.push(rule('account-cloudtrail'));
    fx.cloudTrail.addStore({ arn: STORE_ARN, retentionPeriod: 2557, advancedEventSelectors: STORE_SELECTORS, organizationEnabled: true });
    const { stackChecks } = await migrationChecks({ organizationEnabled: true, organization: ORG });
    expect(stackChecks['rule-conflicts']).toBeUndefined();
    expect(stackChecks['rule-conflicts-organization']).toMatchObject({ outcome: 'fail' });
    expect(stackChecks['rule-conflicts-organization'].detail).toMatch(/^the organisation already has the CloudTrail telemetry rule org-cloudtrail: /);
    expect(stackChecks['rule-conflicts-organization'].fix).toContain('aws observabilityadmin delete-telemetry-rule-for-organization --rule-identifier <name>');
    expect(fx.observabilityAdmin.operations()).toEqual(['ListTelemetryRulesForOrganization']);
  });
});
