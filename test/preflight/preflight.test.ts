/**
 * `cdk-eventdatastore-import preflight` end to end: an app synthesized with the construct, read
 * from its cloud assembly (or deployed, through the CloudFormation stand-in), checked against
 * stand-ins of CloudTrail, KMS, IAM/STS and CloudWatch Logs with real SDK clients.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import {
  ACCOUNT, checksById, editTemplate, goodKeyPolicy, KEY_ARN, PreflightFixture, readTemplate, REGION,
  NOW, ROBUST_PASS_ROLE_CONDITION, RunResult, setPassRoleCondition, STACK, stackChecksById, STORE_ARN, STORE_ID, YEAR_2025,
} from './fixture';
import { CloudTrailLakeMigration, EventDataStoreImport, ImportSource, ImportTimeRange, MigrationSource } from '../../src';
import { TemplateResolver } from '../../src/preflight/intrinsics';
import { CLOUDTRAIL_KEY_ACTIONS } from '../../src/preflight/key-checks';
import { declaredImports, handlerRoleOf, templateRoles } from '../../src/preflight/template-reading';
import { main } from '../../src/status/cli';
import { FakeStream } from '../status/helpers';

jest.setTimeout(60_000);

/** The checks of one import of an existing store with a customer managed key, in order. */
const IMPORT_CHECKS = [
  'store-location', 'store-exists', 'store-status', 'store-retention',
  'key-state', 'key-policy-cloudtrail', 'key-policy-iam',
  'import-role-trust', 'import-role-permissions',
  'handler-permissions', 'pass-role:cloudtrail.amazonaws.com', 'pass-role:logs.amazonaws.com', 'pass-role:absent',
  'overlap',
];

let fx: PreflightFixture;

beforeEach(async () => {
  fx = await PreflightFixture.start();
});

afterEach(async () => {
  await fx.stop();
});

/** An existing store (2557 days of retention) with a key whose policy is right. */
function existingStore(overrides: { status?: string; retentionPeriod?: number; keyPolicy?: unknown; keyState?: string } = {}): void {
  fx.cloudTrail.addStore({ arn: STORE_ARN, kmsKeyId: KEY_ARN, retentionPeriod: overrides.retentionPeriod ?? 2557, status: overrides.status });
  fx.kms.addKey({ arn: KEY_ARN, policy: overrides.keyPolicy ?? goodKeyPolicy(), state: overrides.keyState });
}

/** An import of 2025 from the existing store. */
function import2025(stack: Stack, id = 'History', extra: { role?: iam.IRole; timeRange?: ImportTimeRange } = {}): EventDataStoreImport {
  return new EventDataStoreImport(stack, id, {
    source: ImportSource.fromEventDataStoreArn(STORE_ARN, { encryptionKey: kms.Key.fromKeyArn(stack, `${id}Key`, KEY_ARN) }),
    timeRange: extra.timeRange ?? ImportTimeRange.between(new Date(YEAR_2025.start), new Date(YEAR_2025.end)),
    role: extra.role,
  });
}

/** The app synthesized, with the handler's PassRole condition of issue 11 section 1 (a no-op once the construct has it). */
function assembly(build: (stack: Stack) => void = (s) => import2025(s), env?: { account?: string; region?: string } | 'environment-agnostic'): string {
  const dir = fx.synth(build, env);
  setPassRoleCondition(dir, ROBUST_PASS_ROLE_CONDITION);
  return dir;
}

/** What the import role needs, as a policy a user's own role could have. */
function importRolePolicy(without: string[] = []): unknown {
  const logGroup = (prefix: string) => `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${prefix}aws/cloudtrail/${STORE_ID}`;
  const statements = [
    { Effect: 'Allow', Action: 'cloudtrail:GetEventDataStoreData', Resource: STORE_ARN },
    { Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream'], Resource: [logGroup(''), `${logGroup('')}:log-stream:*`] },
    { Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream'], Resource: [logGroup('/'), `${logGroup('/')}:log-stream:*`] },
    { Effect: 'Allow', Action: 'logs:PutResourcePolicy', Resource: '*' },
    { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: KEY_ARN },
  ];
  return { Version: '2012-10-17', Statement: statements.filter((s) => !without.includes(JSON.stringify(s.Resource))) };
}

/** The handler's role, found as preflight finds it. */
function handlerLogicalId(template: any): string {
  const resolver = new TemplateResolver(template, { partition: 'aws', region: REGION, account: ACCOUNT, physicalIds: new Map() });
  return handlerRoleOf(templateRoles(resolver))!.logicalId;
}

/** Takes `action` out of every template policy attached to the role (managed or inline). */
function withoutAction(template: any, roleLogicalId: string, action: string): void {
  const role = template.Resources[roleLogicalId];
  const attached = Object.values<any>(template.Resources)
    .filter((r) => (r.Type === 'AWS::IAM::ManagedPolicy' || r.Type === 'AWS::IAM::Policy')
      && (r.Properties.Roles ?? []).some((ref: any) => ref.Ref === roleLogicalId));
  const documents = [...attached.map((p) => p.Properties.PolicyDocument), ...(role.Properties.Policies ?? []).map((p: any) => p.PolicyDocument)];
  for (const document of documents) {
    document.Statement = document.Statement
      .map((st: any) => ({ ...st, Action: [st.Action].flat().filter((a: string) => a !== action) }))
      .filter((st: any) => st.Action.length > 0);
  }
}

const CLOUDTRAIL_TRUST = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 'sts:AssumeRole' }] };

describe('an assembly', () => {
  test('everything in place: every check passes, exit 0, a checklist with a summary', async () => {
    existingStore();
    const dir = assembly();

    const { code, stdout, stderr } = await fx.run(['preflight', dir]);

    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`Stack ${STACK} (account ${ACCOUNT}, ${REGION}): 1 import`);
    expect(lines[1]).toBe(`  [pass] the credentials are for the stack's account: account ${ACCOUNT}`);
    expect(lines[2]).toBe('  [pass] imports running in the account, against the limit of 3: 0 of 3 running; the deployment starts 1: none will queue');
    expect(lines[3]).toMatch(new RegExp(`^  Import History[0-9A-F]{8} from ${STORE_ARN}$`));
    expect(lines.slice(4, -1)).toHaveLength(IMPORT_CHECKS.length);
    lines.slice(4, -1).forEach((line) => expect(line).toMatch(/^ {4}\[pass\] /));
    expect(lines[lines.length - 1]).toBe(`${IMPORT_CHECKS.length + 2} passed, 0 warnings, 0 failed, 0 could not be checked.`);
  });

  test('--json: the PreflightJson shape, every check by ID', async () => {
    existingStore();
    const dir = assembly();

    const { code, report } = await fx.json([dir]);

    expect(code).toBe(0);
    expect(report.input).toEqual({ kind: 'assembly', name: dir });
    expect(report.exitCode).toBe(0);
    expect(report.summary).toEqual({ 'pass': IMPORT_CHECKS.length + 2, 'warn': 0, 'fail': 0, 'could-not-check': 0 });
    const [stack] = report.stacks;
    expect([stack.stackName, stack.account, stack.region]).toEqual([STACK, ACCOUNT, REGION]);
    expect(stack.checks.map((c) => c.id)).toEqual(['credentials', 'active-imports']);
    expect(stack.imports).toHaveLength(1);
    expect(stack.imports[0].logicalId).toMatch(/^History/);
    expect(stack.imports[0].sourceArn).toBe(STORE_ARN);
    expect(stack.imports[0].checks.map((c) => c.id)).toEqual(IMPORT_CHECKS);
    stack.imports[0].checks.forEach((c) => expect(Object.keys(c).sort()).toEqual(['detail', 'id', 'outcome', 'title']));
  });

  test('the simulations name the resources the import really uses (both log group spellings, the key)', async () => {
    existingStore();
    const { report } = await fx.json([assembly()]);
    const importRole = checksById(report)['import-role-permissions'];
    expect(importRole.detail).toContain(`logs:CreateLogGroup on arn:aws:logs:${REGION}:${ACCOUNT}:log-group:aws/cloudtrail/${STORE_ID}`);
    expect(importRole.detail).toContain(`logs:CreateLogGroup on arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/cloudtrail/${STORE_ID}`);
    expect(importRole.detail).toContain(`kms:Decrypt on ${KEY_ARN}`);
    expect(fx.iam.callsOf('SimulateCustomPolicy').length).toBeGreaterThan(0);
    expect(fx.iam.callsOf('SimulatePrincipalPolicy')).toHaveLength(0); // the roles do not exist yet
    const contexts = fx.iam.callsOf('SimulateCustomPolicy').map((c) => c.request['ContextEntries.member.1.ContextKeyValues.member.1']);
    expect(contexts).toEqual(expect.arrayContaining(['cloudtrail.amazonaws.com', 'logs.amazonaws.com', undefined]));
  });

  test('store missing: fails with the fix, and the checks that need the store are not made', async () => {
    fx.kms.addKey({ arn: KEY_ARN, policy: goodKeyPolicy() });
    const { code, report } = await fx.json([assembly()]);
    expect(code).toBe(1);
    const checks = checksById(report);
    expect(Object.keys(checks)).toEqual(['store-location', 'store-exists']);
    expect(checks['store-exists']).toMatchObject({ outcome: 'fail', detail: `CloudTrail has no event data store ${STORE_ARN}` });
    expect(checks['store-exists'].fix).toMatch(/Check the ARN/);
  });

  test('a caller that may not read the store: could not check it, says which permission; the roles are still checked', async () => {
    existingStore();
    fx.cloudTrail.denyAccess = true;
    const { code, report } = await fx.json([assembly()]);
    expect(code).toBe(2);
    const checks = checksById(report);
    expect(checks['store-exists']).toMatchObject({
      outcome: 'could-not-check',
      detail: 'GetEventDataStore failed: AccessDeniedException: User is not authorized to perform: cloudtrail:GetEventDataStore',
      fix: 'Run preflight with credentials that may cloudtrail:GetEventDataStore on the store.',
    });
    expect(checks['handler-permissions'].outcome).toBe('pass');
    expect(checks['pass-role:absent'].outcome).toBe('pass');
  });

  test('wrong region: a store of another region fails the location check', async () => {
    const otherRegionStore = `arn:aws:cloudtrail:us-west-2:${ACCOUNT}:eventdatastore/${STORE_ID}`;
    const dir = assembly((stack) => new EventDataStoreImport(stack, 'History', { source: ImportSource.fromEventDataStoreArn(otherRegionStore) }), 'environment-agnostic');

    const { code, report } = await fx.json([dir, '--region', REGION]);

    expect(code).toBe(1);
    expect(report.stacks[0].region).toBe(REGION);
    expect(report.stacks[0].account).toBe(ACCOUNT); // environment-agnostic: the credentials' account
    const location = checksById(report)['store-location'];
    expect(location.outcome).toBe('fail');
    expect(location.detail).toBe(`the store is in us-west-2, account ${ACCOUNT}; the stack deploys to ${REGION}, account ${ACCOUNT}`);
    expect(location.fix).toMatch(/deploy the import in us-west-2/);
  });

  test.each([
    ['PENDING_DELETION', 'fail', 1],
    ['STOPPED_INGESTION', 'warn', 0],
    ['STOPPING_INGESTION', 'warn', 0],
    ['STARTING_INGESTION', 'warn', 0],
    ['CREATED', 'warn', 0],
  ])('store status %s: %s, exit %d, with an explanation', async (status, outcome, exitCode) => {
    existingStore({ status });
    const { code, report } = await fx.json([assembly()]);
    expect(code).toBe(exitCode);
    const check = checksById(report)['store-status'];
    expect(check.outcome).toBe(outcome);
    expect(check.detail).toMatch(new RegExp(`^${status}`));
    expect(check.fix).toBeDefined();
  });

  test('retention too short for the time range: fails, saying where it may start and how long retention must be', async () => {
    existingStore({ retentionPeriod: 366 });
    const { code, report } = await fx.json([assembly()]);
    expect(code).toBe(1);
    const check = checksById(report)['store-retention'];
    expect(check.outcome).toBe('fail');
    expect(check.detail).toBe('the range starts 2025-01-01, before 2025-11-24 (366 days of retention)');
    expect(check.fix).toBe('Start the range on 2025-11-24 or later, or extend the store\'s retention to at least 693 days (CreateImportTask rejects data outside it).');
  });

  test('a lookback inside the retention passes', async () => {
    existingStore({ retentionPeriod: 366 });
    const { report } = await fx.json([assembly((s) => import2025(s, 'Recent', { timeRange: ImportTimeRange.lookback(Duration.days(90)) }))]);
    expect(checksById(report)['store-retention'].outcome).toBe('pass');
  });

  test.each(CLOUDTRAIL_KEY_ACTIONS)('key policy without %s for cloudtrail.amazonaws.com: fails, with the statement to add', async (action) => {
    const policy = goodKeyPolicy();
    policy.Statement[1].Action = CLOUDTRAIL_KEY_ACTIONS.filter((a) => a !== action);
    existingStore({ keyPolicy: policy });
    const { code, report } = await fx.json([assembly()]);
    expect(code).toBe(1);
    const check = checksById(report)['key-policy-cloudtrail'];
    expect(check).toMatchObject({ outcome: 'fail', detail: `it does not allow ${action} for cloudtrail.amazonaws.com` });
    expect(check.fix).toContain(`"Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":["${action}"]`);
    expect(checksById(report)['key-policy-iam'].outcome).toBe('pass');
  });

  test('key policy that does not delegate to IAM: fails, with the default statement', async () => {
    const policy = goodKeyPolicy();
    policy.Statement.shift();
    existingStore({ keyPolicy: policy });
    const { code, report } = await fx.json([assembly()]);
    expect(code).toBe(1);
    const check = checksById(report)['key-policy-iam'];
    expect(check.outcome).toBe('fail');
    expect(check.fix).toContain(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::${ACCOUNT}:root"},"Action":"kms:*","Resource":"*"}`);
  });

  test('a disabled key fails', async () => {
    existingStore({ keyState: 'Disabled' });
    const { report } = await fx.json([assembly()]);
    expect(checksById(report)['key-state']).toMatchObject({ outcome: 'fail', detail: `${KEY_ARN} is Disabled` });
  });

  test('a role the app brings, trusting the wrong service: fails (read with GetRole); its live policies are simulated', async () => {
    existingStore();
    const roleArn = fx.iam.addRole({
      name: 'MyImportRole',
      trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
      policies: [importRolePolicy()],
    });
    const dir = assembly((s) => import2025(s, 'History', { role: iam.Role.fromRoleArn(s, 'Role', roleArn, { mutable: false }) }));

    const { code, report } = await fx.json([dir]);

    expect(code).toBe(1);
    const checks = checksById(report);
    expect(checks['import-role-trust']).toMatchObject({ outcome: 'fail', detail: 'its trust policy does not let cloudtrail.amazonaws.com assume it' });
    expect(checks['import-role-trust'].fix).toContain('"Principal":{"Service":"cloudtrail.amazonaws.com"}');
    expect(checks['import-role-permissions'].outcome).toBe('pass');
    expect(fx.iam.callsOf('GetRole').map((c) => c.request.RoleName)).toEqual(['MyImportRole']);
    expect(fx.iam.callsOf('SimulatePrincipalPolicy').map((c) => c.request.PolicySourceArn)).toContain(roleArn);
  });

  test('a role the app names that does not exist: fails', async () => {
    existingStore();
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/Missing`;
    const { code, report } = await fx.json([assembly((s) => import2025(s, 'History', { role: iam.Role.fromRoleArn(s, 'Role', roleArn, { mutable: false }) }))]);
    expect(code).toBe(1);
    expect(checksById(report)['import-role-trust']).toMatchObject({ outcome: 'fail', detail: `IAM has no role ${roleArn}` });
  });

  test('a role without some permissions the import needs: fails, listing each', async () => {
    existingStore();
    const roleArn = fx.iam.addRole({ name: 'MyImportRole', trustPolicy: CLOUDTRAIL_TRUST, policies: [importRolePolicy(['"*"', JSON.stringify([`arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/cloudtrail/${STORE_ID}`, `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/cloudtrail/${STORE_ID}:log-stream:*`])])] });
    const dir = assembly((s) => import2025(s, 'History', { role: iam.Role.fromRoleArn(s, 'Role', roleArn, { mutable: false }) }));

    const { code, report } = await fx.json([dir]);

    expect(code).toBe(1);
    const check = checksById(report)['import-role-permissions'];
    expect(check.outcome).toBe('fail');
    expect(check.detail).toBe(`role ${roleArn} does not allow logs:CreateLogGroup on arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/cloudtrail/${STORE_ID}; `
      + `logs:CreateLogStream on arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/cloudtrail/${STORE_ID}:log-stream:import; logs:PutResourcePolicy on *`);
    expect(check.fix).toContain(roleArn);
    expect(checksById(report)['import-role-trust'].outcome).toBe('pass');
  });

  test('a handler role that may not read the store: fails', async () => {
    existingStore();
    const dir = assembly();
    editTemplate(dir, (template) => withoutAction(template, handlerLogicalId(template), 'cloudtrail:GetEventDataStoreData'));
    const { code, report } = await fx.json([dir]);
    expect(code).toBe(1);
    const check = checksById(report)['handler-permissions'];
    expect(check.outcome).toBe('fail');
    expect(check.detail).toMatch(new RegExp(`does not allow cloudtrail:GetEventDataStoreData on ${STORE_ARN}$`));
  });

  test('PassRole conditioned on iam:PassedToService = cloudtrail.amazonaws.com only: the other value and the absent key fail', async () => {
    existingStore();
    const dir = assembly();
    setPassRoleCondition(dir, { StringEquals: { 'iam:PassedToService': 'cloudtrail.amazonaws.com' } });

    const { code, report } = await fx.json([dir]);

    expect(code).toBe(1);
    const checks = checksById(report);
    expect(checks['pass-role:cloudtrail.amazonaws.com'].outcome).toBe('pass');
    expect(checks['pass-role:logs.amazonaws.com'].outcome).toBe('fail');
    expect(checks['pass-role:logs.amazonaws.com'].detail).toMatch(/with iam:PassedToService = logs\.amazonaws\.com$/);
    expect(checks['pass-role:absent'].outcome).toBe('fail');
    expect(checks['pass-role:absent'].detail).toMatch(/without iam:PassedToService$/);
    expect(checks['pass-role:absent'].fix).toMatch(/StringEqualsIfExists on \[cloudtrail\.amazonaws\.com, logs\.amazonaws\.com\]/);
  });

  test('3 imports running: the declared import will queue (a warning, exit 0)', async () => {
    existingStore();
    for (let i = 0; i < 3; i++) fx.logs.addImport({ importSourceArn: `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:eventdatastore/other-${i}` });
    const { code, report } = await fx.json([assembly()]);
    expect(code).toBe(0);
    const check = stackChecksById(report)['active-imports'];
    expect(check).toMatchObject({ outcome: 'warn', detail: '3 of 3 running; the deployment starts 1: 1 will queue until a running import finishes' });
    expect(check.fix).toMatch(/queue/);
  });

  test('2 imports running and 2 declared: 1 will queue', async () => {
    existingStore();
    fx.logs.addImport({ importSourceArn: `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:eventdatastore/other-1` });
    fx.logs.addImport({ importSourceArn: `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:eventdatastore/other-2` });
    fx.logs.addImport({ importSourceArn: STORE_ARN, importStatus: 'COMPLETED' }); // finished: takes no slot
    const dir = assembly((s) => {
      import2025(s, 'First', { timeRange: ImportTimeRange.between(new Date(YEAR_2025.start), new Date(Date.UTC(2025, 6, 1))) });
      import2025(s, 'Second', { timeRange: ImportTimeRange.between(new Date(Date.UTC(2025, 6, 1)), new Date(YEAR_2025.end)) });
    });
    const { report } = await fx.json([dir]);
    expect(stackChecksById(report)['active-imports'].detail).toBe('2 of 3 running; the deployment starts 2: 1 will queue until a running import finishes');
  });

  test('an existing import of the same store and an overlapping window: fails (a re-run would import twice)', async () => {
    existingStore();
    const earlier = fx.logs.addImport({ importSourceArn: STORE_ARN, importStatus: 'COMPLETED', importFilter: { startEventTime: Date.UTC(2025, 5, 1), endEventTime: Date.UTC(2025, 8, 1) } });
    fx.logs.addImport({ importSourceArn: STORE_ARN, importStatus: 'COMPLETED', importFilter: { startEventTime: Date.UTC(2024, 0, 1), endEventTime: Date.UTC(2024, 11, 1) } });
    const { code, report } = await fx.json([assembly()]);
    expect(code).toBe(1);
    const check = checksById(report).overlap;
    expect(check.outcome).toBe('fail');
    expect(check.detail).toBe(`overlaps ${earlier.importId} (COMPLETED, 2025-06-01T00:00:00.000Z to 2025-09-01T00:00:00.000Z)`);
    expect(check.fix).toMatch(/Narrow the time range/);
  });

  test('an overlapping CANCELLED import is a warning; imports of other windows pass', async () => {
    existingStore();
    fx.logs.addImport({ importSourceArn: STORE_ARN, importStatus: 'CANCELLED' });
    let { report } = await fx.json([assembly()]);
    expect(checksById(report).overlap.outcome).toBe('warn');

    fx = await restart();
    existingStore();
    fx.logs.addImport({ importSourceArn: STORE_ARN, importStatus: 'COMPLETED', importFilter: { startEventTime: Date.UTC(2024, 0, 1), endEventTime: Date.UTC(2024, 11, 1) } });
    ({ report } = await fx.json([assembly()]));
    expect(checksById(report).overlap).toMatchObject({ outcome: 'pass', detail: '1 other import of the store, none overlapping' });
  });

  test('a store and key the app creates: what the template allows is checked, the store itself could not be (exit 2)', async () => {
    const dir = assembly((stack) => {
      const key = new kms.Key(stack, 'StoreKey');
      // What CloudTrail's user guide lists besides Decrypt and GenerateDataKey.
      key.addToResourcePolicy(new iam.PolicyStatement({ principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')], actions: ['kms:DescribeKey'], resources: ['*'] }));
      const store = new cloudtrail.CfnEventDataStore(stack, 'Store', { kmsKeyId: key.keyArn, retentionPeriod: 2557, billingMode: 'FIXED_RETENTION_PRICING' });
      new EventDataStoreImport(stack, 'History', {
        source: ImportSource.fromEventDataStore(store),
        timeRange: ImportTimeRange.between(new Date(YEAR_2025.start), new Date(YEAR_2025.end)),
      });
    });

    const { code, report } = await fx.json([dir]);

    expect(code).toBe(2);
    const checks = checksById(report);
    expect(report.stacks[0].imports[0].sourceArn).toBe(`arn:aws:cloudtrail:${REGION}:${ACCOUNT}:eventdatastore/Store`);
    expect(checks['store-exists']).toMatchObject({ outcome: 'could-not-check', detail: 'the deployment creates it (Store): it cannot be read before' });
    expect(checks['store-exists'].fix).toContain(`preflight --stack ${STACK}`);
    expect(checks['store-retention']).toMatchObject({ outcome: 'pass' });
    expect(checks['store-retention'].detail).toMatch(/^2557 days of retention/);
    for (const id of ['store-location', 'key-policy-cloudtrail', 'key-policy-iam', 'import-role-trust', 'import-role-permissions', 'handler-permissions',
      'pass-role:cloudtrail.amazonaws.com', 'pass-role:logs.amazonaws.com', 'pass-role:absent', 'overlap']) {
      expect([id, checks[id].outcome]).toEqual([id, 'pass']);
    }
    expect(checks['key-state']).toBeUndefined();
    expect(fx.cloudTrail.calls).toHaveLength(0);
    expect(fx.kms.calls).toHaveLength(0);
  });

  test('credentials of another account: every check that needs AWS could not be made (exit 2)', async () => {
    existingStore();
    fx.iam.callerAccount = '222222222222';
    const { code, report } = await fx.json([assembly()]);
    expect(code).toBe(2);
    expect(stackChecksById(report).credentials).toMatchObject({ outcome: 'could-not-check', detail: `the credentials are for account 222222222222, the stack deploys to ${ACCOUNT}` });
    expect(checksById(report)['store-location'].outcome).toBe('pass');
    expect(checksById(report)['store-exists'].outcome).toBe('could-not-check');
    expect(checksById(report)['import-role-permissions'].outcome).toBe('could-not-check');
    expect(checksById(report)['import-role-trust'].outcome).toBe('pass'); // read from the template
    expect(fx.cloudTrail.calls).toHaveLength(0);
    expect(fx.iam.calls.map((c) => c.operation)).toEqual(['GetCallerIdentity']);
  });

  test('credentials AWS rejects: one line with the fix on stderr, nothing else, exit 2', async () => {
    fx.iam.rejectCredentials = true;
    const { code, stdout, stderr } = await fx.run(['preflight', assembly(), '--profile', 'dev']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe('error: AWS rejected the credentials (profile dev) (InvalidClientTokenId: The security token included in the request is invalid.). '
      + 'Refresh them, e.g. `aws sso login`.\n');
    expect(fx.iam.calls.map((c) => c.operation)).toEqual(['GetCallerIdentity']);
    expect(fx.cloudTrail.calls).toHaveLength(0);
  });

  describe('no credentials at all (the SDK\'s own chain, which finds none)', () => {
    const AMBIENT = ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_ROLE_ARN',
      'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONFIG_FILE',
      'AWS_SHARED_CREDENTIALS_FILE', 'AWS_EC2_METADATA_DISABLED', 'AWS_REGION', 'AWS_DEFAULT_REGION'];
    const saved: Record<string, string | undefined> = {};
    beforeEach(() => {
      AMBIENT.forEach((name) => {
        saved[name] = process.env[name];
        delete process.env[name];
      });
      Object.assign(process.env, { AWS_CONFIG_FILE: '/nonexistent/aws-config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials', AWS_EC2_METADATA_DISABLED: 'true' });
    });
    afterEach(() => {
      AMBIENT.forEach((name) => {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      });
    });

    async function runWithoutCredentials(args: string[]): Promise<RunResult> {
      const stdout = new FakeStream();
      const stderr = new FakeStream();
      const code = await main(args, { stdout, stderr, env: {}, now: () => NOW });
      return { code, stdout: stdout.text, stderr: stderr.text };
    }

    const NO_CREDENTIALS = /^error: No AWS credentials found: Could not load credentials from any providers\. Use --profile, AWS_PROFILE, AWS_ACCESS_KEY_ID\/AWS_SECRET_ACCESS_KEY, or `aws sso login`\.\n$/;

    test('an assembly with a migration (many checks): one line with the fix, exit 2', async () => {
      const dir = assembly((stack) => {
        const store = new cloudtrail.CfnEventDataStore(stack, 'Store', { kmsKeyId: new kms.Key(stack, 'Key').keyArn });
        new CloudTrailLakeMigration(stack, 'Migration', { stores: [MigrationSource.fromEventDataStore(store)], stopLakeIngestion: true });
        import2025(stack);
      });
      const { code, stdout, stderr } = await runWithoutCredentials(['preflight', dir]);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(NO_CREDENTIALS);
    });

    test('--json: the same line, no JSON', async () => {
      const { code, stdout, stderr } = await runWithoutCredentials(['preflight', assembly(), '--json']);
      expect([code, stdout]).toEqual([2, '']);
      expect(stderr).toMatch(NO_CREDENTIALS);
    });

    test('--stack: the same line', async () => {
      const { code, stdout, stderr } = await runWithoutCredentials(['preflight', '--stack', STACK, '--region', REGION]);
      expect([code, stdout]).toEqual([2, '']);
      expect(stderr).toMatch(NO_CREDENTIALS);
    });
  });

  test('a directory that is not an assembly: exit 2 with what to do', async () => {
    const { code, stdout, stderr } = await fx.run(['preflight', '/nonexistent/cdk.out']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^error: \/nonexistent\/cdk\.out is not a cloud assembly \(no manifest\.json\): run `cdk synth` first/);
  });

  test('an assembly without imports: exit 2', async () => {
    const dir = fx.synth((stack) => new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal() }));
    const { code, stderr } = await fx.run(['preflight', dir]);
    expect(code).toBe(2);
    expect(stderr).toContain('declares an import');
  });

  test('--region that contradicts the stack\'s region: exit 2', async () => {
    const { code, stderr } = await fx.run(['preflight', assembly(), '--region', 'eu-west-1']);
    expect(code).toBe(2);
    expect(stderr).toBe(`error: Stack ${STACK} deploys to ${REGION}: --region eu-west-1 does not apply to it. Drop --region.\n`);
  });
});

describe('a deployed stack (--stack)', () => {
  /** Deploys the assembly's stack to the stand-ins: CloudFormation knows it, IAM has its roles. */
  function deploy(dir: string, importId: string): Record<string, string> {
    const template = readTemplate(dir);
    const physicalIds: Record<string, string> = {};
    for (const [logicalId, resource] of Object.entries<any>(template.Resources)) {
      physicalIds[logicalId] = resource.Type === 'Custom::EventDataStoreImport' ? importId : `${STACK}-${logicalId}`.slice(0, 64);
    }
    fx.cloudFormation.addStack({ name: STACK, region: REGION, account: ACCOUNT, template, physicalIds });
    const resolver = new TemplateResolver(template, { partition: 'aws', region: REGION, account: ACCOUNT, physicalIds: new Map(Object.entries(physicalIds)) });
    for (const role of templateRoles(resolver)) {
      fx.iam.addRole({ name: physicalIds[role.logicalId], trustPolicy: role.trustPolicy, policies: role.policies });
    }
    return physicalIds;
  }

  test('its live roles are simulated, and its own running import is neither new nor an overlap', async () => {
    existingStore();
    const dir = assembly();
    const own = fx.logs.addImport({ importSourceArn: STORE_ARN, importFilter: { startEventTime: YEAR_2025.start, endEventTime: YEAR_2025.end } });
    const physicalIds = deploy(dir, own.importId);

    const { code, report } = await fx.json(['--stack', STACK]);

    expect(code).toBe(0);
    expect(report.input).toEqual({ kind: 'stack', name: STACK });
    expect(stackChecksById(report)['active-imports'].detail).toBe('1 of 3 running; the deployment starts 0: none will queue');
    expect(checksById(report).overlap).toMatchObject({ outcome: 'pass', detail: 'deployed already: a deployment starts no new import for it unless its store or time range changes' });
    expect(report.stacks[0].imports[0].checks.map((c) => c.id)).toEqual(IMPORT_CHECKS);
    expect(fx.iam.callsOf('SimulateCustomPolicy')).toHaveLength(0);
    const simulated = new Set(fx.iam.callsOf('SimulatePrincipalPolicy').map((c) => c.request.PolicySourceArn));
    const resolver = new TemplateResolver(readTemplate(dir), { partition: 'aws', region: REGION, account: ACCOUNT, physicalIds: new Map(Object.entries(physicalIds)) });
    const [declared] = declaredImports(resolver, new Map());
    expect([...simulated].sort()).toEqual([handlerRoleOf(templateRoles(resolver))!.arn, declared.roleArn].sort());
    expect(declared.roleArn).toMatch(new RegExp(`^arn:aws:iam::${ACCOUNT}:role/cdk-eventdatastore-import/[0-9A-F]{8}/${STACK}-`));
    expect(fx.cloudFormation.calls.map((c) => c.operation)).toEqual(['DescribeStacks', 'GetTemplate', 'ListStackResources']);
  });

  test('an assembly of a stack that is deployed already: its deployed imports are neither new nor overlaps', async () => {
    existingStore();
    const dir = assembly();
    const own = fx.logs.addImport({ importSourceArn: STORE_ARN, importFilter: { startEventTime: YEAR_2025.start, endEventTime: YEAR_2025.end } });
    deploy(dir, own.importId);

    const { code, report } = await fx.json([dir]);

    expect(code).toBe(0);
    expect(report.input.kind).toBe('assembly');
    expect(stackChecksById(report)['active-imports'].detail).toBe('1 of 3 running; the deployment starts 0: none will queue');
    expect(checksById(report).overlap.outcome).toBe('pass');
    expect(fx.iam.callsOf('SimulatePrincipalPolicy')).toHaveLength(0); // the assembly's roles are what the deploy makes
  });

  test('a stack that does not exist: exit 2', async () => {
    const { code, stderr } = await fx.run(['preflight', '--stack', 'Missing', '--region', REGION]);
    expect(code).toBe(2);
    expect(stderr).toBe('error: Stack Missing does not exist in this account and region (use --region, or check the assembly instead).\n');
  });

  test('an assembly and --stack together: exit 2', async () => {
    const { code, stderr } = await fx.run(['preflight', 'cdk.out', '--stack', STACK]);
    expect(code).toBe(2);
    expect(stderr).toBe('error: Give an assembly directory or --stack, not both.\n');
  });
});

async function restart(): Promise<PreflightFixture> {
  await fx.stop();
  return PreflightFixture.start();
}
