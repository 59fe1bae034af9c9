/**
 * The Custom::TelemetryEvaluation request handler with the real (hand-made) ObservabilityAdmin
 * client against the stand-in, answering over HTTP to a loopback response URL. The clock is
 * virtual: waits and retry backoffs take no real time.
 */
import { randomUUID } from 'node:crypto';
import { CloudFormationRequest } from '../../src/orchestrator/request';
import { ObservabilityAdminClient } from '../../src/shared/observability-admin';
import {
  handleTelemetryEvaluationRequest, POLL_INTERVAL_MS, TelemetryEvaluationRuntime, WAIT_BUDGET_MS,
} from '../../src/telemetry-evaluation/telemetry-evaluation-requests';
import { LoopbackServer } from '../stand-in/loopback-server';
import { ObservabilityAdminStandIn } from '../stand-in/observability-admin-stand-in';

const STACK_ID = 'arn:aws:cloudformation:us-east-1:111122223333:stack/TelemetryStack/00000000-0000-0000-0000-000000000001';

interface Response {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason: string;
  readonly PhysicalResourceId: string;
  readonly RequestId: string;
  readonly StackId: string;
  readonly LogicalResourceId: string;
  readonly Data?: Record<string, string>;
}

let standIn: ObservabilityAdminStandIn;
let responseServer: LoopbackServer;
let client: ObservabilityAdminClient;
let responses: Array<{ method: string; url: string; body: Response }>;
let clock: number;
let logLines: string[];

beforeEach(async () => {
  standIn = await ObservabilityAdminStandIn.start();
  client = new ObservabilityAdminClient({ region: 'us-east-1', endpoint: standIn.endpoint, credentials: { accessKeyId: 'AKIDSTANDIN', secretAccessKey: 'stand-in-secret' } });
  responses = [];
  responseServer = await LoopbackServer.listen((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      responses.push({ method: req.method ?? '', url: req.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      res.writeHead(200).end();
    });
  });
  clock = Date.UTC(2026, 5, 1);
  logLines = [];
});

afterEach(async () => {
  client.destroy();
  await Promise.all([standIn.stop(), responseServer.close()]);
  expect(standIn.shapeViolations).toEqual([]);
});

function runtime(): TelemetryEvaluationRuntime {
  return {
    observabilityAdmin: client,
    timeScale: 1,
    now: () => clock,
    sleep: async (ms) => { clock += ms; },
    random: () => 0.5,
    log: (line) => { logLines.push(line); },
    retryBudgetMs: 4 * 60_000,
    baseDelayMs: 1_000,
    maxDelayMs: 30_000,
    putResponse: async (url, body) => {
      const answered = await fetch(url, { method: 'PUT', body, headers: { 'content-type': '' } });
      if (!answered.ok) throw new Error(`HTTP ${answered.status}`);
    },
  };
}

function event(requestType: 'Create' | 'Update' | 'Delete', scope: unknown, extra: Partial<CloudFormationRequest> = {}): CloudFormationRequest {
  const requestId = randomUUID();
  return {
    RequestType: requestType,
    ResponseURL: `${responseServer.url}/response/${requestId}?X-Amz-Signature=standin`,
    StackId: STACK_ID,
    RequestId: requestId,
    LogicalResourceId: 'TelemetryEvaluation',
    ResourceType: 'Custom::TelemetryEvaluation',
    ResourceProperties: { ServiceToken: 'arn:aws:lambda:us-east-1:111122223333:function:Orchestrator', Scope: scope } as any,
    ...extra,
  };
}

/** Runs the request; the one response PUT for it. */
async function run(request: CloudFormationRequest): Promise<Response> {
  await handleTelemetryEvaluationRequest(runtime(), request);
  expect(responses.map((r) => [r.method, r.url])).toEqual([['PUT', new URL(request.ResponseURL).pathname + new URL(request.ResponseURL).search]]);
  const { body } = responses[0];
  expect(body).toMatchObject({ RequestId: request.RequestId, StackId: STACK_ID, LogicalResourceId: 'TelemetryEvaluation' });
  return body;
}

test('already RUNNING: SUCCESS after one status read, no Start', async () => {
  standIn.set('ACCOUNT', 'RUNNING');
  const answer = await run(event('Create', 'ACCOUNT'));
  expect(answer).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'telemetry-evaluation-account' });
  expect(standIn.operations()).toEqual(['GetTelemetryEvaluationStatus']);
});

test('NOT_STARTED: started, polled every 10 s until RUNNING', async () => {
  const before = clock;
  const answer = await run(event('Create', 'ACCOUNT'));
  expect(answer).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'telemetry-evaluation-account' });
  expect(standIn.status('ACCOUNT')).toBe('RUNNING');
  expect(standIn.operations()).toEqual([
    'GetTelemetryEvaluationStatus', 'StartTelemetryEvaluation',
    'GetTelemetryEvaluationStatus', 'GetTelemetryEvaluationStatus', 'GetTelemetryEvaluationStatus',
  ]);
  expect(clock - before).toBe(3 * POLL_INTERVAL_MS);
});

test('STARTING: polled until RUNNING, no Start', async () => {
  standIn.set('ACCOUNT', 'STARTING');
  standIn.readsToStart = 3;
  const answer = await run(event('Update', 'ACCOUNT', { PhysicalResourceId: 'telemetry-evaluation-account' }));
  expect(answer).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'telemetry-evaluation-account' });
  expect(standIn.operations().filter((o) => o.startsWith('Start'))).toEqual([]);
});

test.each(['success', 'ValidationException'] as const)('Start on an evaluation that runs already (answered %s): SUCCESS', async (startWhileRunning) => {
  // The status read lags behind: it says NOT_STARTED while the evaluation runs.
  standIn.set('ACCOUNT', 'RUNNING');
  standIn.staleStatus('ACCOUNT', 'NOT_STARTED');
  standIn.startWhileRunning = startWhileRunning;
  const answer = await run(event('Create', 'ACCOUNT'));
  expect(answer).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'telemetry-evaluation-account' });
  expect(standIn.operations()).toEqual(['GetTelemetryEvaluationStatus', 'StartTelemetryEvaluation', 'GetTelemetryEvaluationStatus']);
  if (startWhileRunning === 'ValidationException') expect(logLines.join('\n')).toMatch(/StartTelemetryEvaluation failed, but the status is RUNNING: it counts as started/);
});

describe('rules that cover every region (AllRegions)', () => {
  const allRegions = (requestType: 'Create' | 'Update', scope: string) =>
    event(requestType, scope, { ResourceProperties: { ServiceToken: 'arn:aws:lambda:us-east-1:111122223333:function:Orchestrator', Scope: scope, AllRegions: 'true' } as any });
  const starts = () => standIn.calls.filter((c) => c.operation.startsWith('Start')).map((c) => [c.operation, c.request]);

  test('NOT_STARTED: started with AllRegions', async () => {
    const answer = await run(allRegions('Create', 'ACCOUNT'));
    expect(answer).toMatchObject({ Status: 'SUCCESS' });
    expect(starts()).toEqual([['StartTelemetryEvaluation', { AllRegions: true }]]);
    expect(standIn.status('ACCOUNT')).toBe('RUNNING');
  });

  test.each(['success', 'ValidationException'] as const)('RUNNING (perhaps in this region only): Start with AllRegions once (answered %s), SUCCESS', async (startWhileRunning) => {
    standIn.set('ORGANIZATION', 'RUNNING');
    standIn.startWhileRunning = startWhileRunning;
    const answer = await run(allRegions('Create', 'ORGANIZATION'));
    expect(answer).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'telemetry-evaluation-organization' });
    expect(starts()).toEqual([['StartTelemetryEvaluationForOrganization', { AllRegions: true }]]);
  });

  test('without AllRegions, Start is sent with no regions (the current region), and not at all when RUNNING', async () => {
    await run(event('Create', 'ACCOUNT'));
    expect(starts()).toEqual([['StartTelemetryEvaluation', {}]]);
  });
});

describe('conflicting CloudTrail telemetry rules (CloudTrailRuleNames: the stack\'s own)', () => {
  const withOwn = (scope: string, own: string, adopted?: string) =>
    event('Create', scope, {
      ResourceProperties: {
        ServiceToken: 'arn:aws:lambda:us-east-1:111122223333:function:Orchestrator',
        Scope: scope,
        CloudTrailRuleNames: own,
        ...(adopted !== undefined ? { AdoptedCloudTrailRuleNames: adopted } : {}),
      } as any,
    });
  const rule = (name: string, resourceType = 'AWS::CloudTrail') =>
    ({ RuleName: name, RuleArn: `arn:aws:observabilityadmin:us-east-1:111122223333:telemetry-rule/${name}`, ResourceType: resourceType, TelemetryType: 'Logs' });

  test('only the stack\'s own CloudTrail rule (and other resource types), over several pages: SUCCESS', async () => {
    standIn.set('ACCOUNT', 'RUNNING');
    standIn.rules.ACCOUNT.push(rule('vpc-flow-logs', 'AWS::EC2::VPC'), rule('lambda-logs', 'AWS::Lambda::Function'), rule('Stack-Migration-1A2B'));
    const answer = await run(withOwn('ACCOUNT', 'Stack-Migration-1A2B'));
    expect(answer).toMatchObject({ Status: 'SUCCESS' });
    expect(standIn.operations()).toEqual(['GetTelemetryEvaluationStatus', 'ListTelemetryRules', 'ListTelemetryRules']);
  });

  test('another CloudTrail rule in the account: FAILED, naming it and how to delete it', async () => {
    standIn.set('ACCOUNT', 'RUNNING');
    standIn.rules.ACCOUNT.push(rule('Stack-Migration-1A2B'), rule('console-cloudtrail'));
    const answer = await run(withOwn('ACCOUNT', 'Stack-Migration-1A2B'));
    expect(answer.Status).toBe('FAILED');
    expect(answer.Reason).toMatch(/the account already has the CloudTrail telemetry rule console-cloudtrail \(arn:aws:observabilityadmin:us-east-1:111122223333:telemetry-rule\/console-cloudtrail\): a second CloudTrail rule in the same scope is rejected, and with conflicting rules none of them is applied/);
    expect(answer.Reason).toContain('aws observabilityadmin delete-telemetry-rule --rule-identifier <name> --region us-east-1');
  });

  test('an adopted rule (AdoptedCloudTrailRuleNames) is tolerated and reported in the Reason and Data', async () => {
    standIn.set('ACCOUNT', 'RUNNING');
    standIn.rules.ACCOUNT.push(rule('Stack-Migration-1A2B'), rule('console-cloudtrail'));
    const answer = await run(withOwn('ACCOUNT', 'Stack-Migration-1A2B', 'console-cloudtrail,not-there'));
    expect(answer).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'telemetry-evaluation-account' });
    expect(answer.Reason).toBe('telemetry evaluation (ACCOUNT) is RUNNING; adopted CloudTrail telemetry rule console-cloudtrail (adoptTelemetryRuleNames)');
    // Only the rules found are reported: a name adopted but absent is not.
    expect(answer.Data).toEqual({ AdoptedCloudTrailRuleNames: 'console-cloudtrail' });
  });

  test('adopting one rule does not tolerate another: FAILED naming only the one not adopted, and the adopt option', async () => {
    standIn.set('ACCOUNT', 'RUNNING');
    standIn.rules.ACCOUNT.push(rule('Stack-Migration-1A2B'), rule('console-cloudtrail'), rule('team-cloudtrail'));
    const answer = await run(withOwn('ACCOUNT', 'Stack-Migration-1A2B', 'console-cloudtrail'));
    expect(answer.Status).toBe('FAILED');
    expect(answer.Reason).toMatch(/already has the CloudTrail telemetry rule team-cloudtrail \(arn:[^)]+\): a second/);
    expect(answer.Reason).not.toContain('console-cloudtrail');
    expect(answer.Reason).toContain('adopt it (the migration\'s `adoptTelemetryRuleNames`)');
  });

  test('with no other rule, the attribute is there and empty', async () => {
    standIn.set('ACCOUNT', 'RUNNING');
    const answer = await run(withOwn('ACCOUNT', 'Stack-Migration-1A2B', 'console-cloudtrail'));
    expect(answer).toMatchObject({ Status: 'SUCCESS', Reason: 'telemetry evaluation (ACCOUNT) is RUNNING', Data: { AdoptedCloudTrailRuleNames: '' } });
  });

  test('the organisation: its rules are listed with ListTelemetryRulesForOrganization', async () => {
    standIn.set('ORGANIZATION', 'RUNNING');
    standIn.rules.ORGANIZATION.push(rule('org-cloudtrail'));
    standIn.rules.ACCOUNT.push(rule('not-looked-at'));
    const answer = await run(withOwn('ORGANIZATION', 'Stack-Migration-1A2B-org'));
    expect(answer.Status).toBe('FAILED');
    expect(answer.Reason).toMatch(/the organization already has the CloudTrail telemetry rule org-cloudtrail .*delete-telemetry-rule-for-organization/);
    expect(standIn.operations()).toEqual(['GetTelemetryEvaluationStatusForOrganization', 'ListTelemetryRulesForOrganization']);
  });
});

test('STOPPING: waits for STOPPED, then starts', async () => {
  standIn.set('ACCOUNT', 'STOPPING');
  const answer = await run(event('Create', 'ACCOUNT'));
  expect(answer.Status).toBe('SUCCESS');
  const ops = standIn.operations();
  expect(ops.filter((o) => o === 'StartTelemetryEvaluation')).toHaveLength(1);
  expect(ops.indexOf('StartTelemetryEvaluation')).toBe(3); // STOPPING, STOPPING, STOPPED, then Start
  expect(standIn.status('ACCOUNT')).toBe('RUNNING');
});

test('a previous FAILED_START is started again', async () => {
  standIn.set('ACCOUNT', 'FAILED_START', 'an earlier attempt failed');
  const answer = await run(event('Create', 'ACCOUNT'));
  expect(answer.Status).toBe('SUCCESS');
  expect(standIn.status('ACCOUNT')).toBe('RUNNING');
});

test('access denied: FAILED, naming the action, the SCP possibility and the command to do it by hand', async () => {
  standIn.denied.add('StartTelemetryEvaluation');
  const answer = await run(event('Create', 'ACCOUNT'));
  expect(answer.Status).toBe('FAILED');
  expect(answer.PhysicalResourceId).toBe('telemetry-evaluation-account');
  expect(answer.Reason).toMatch(/lacks observabilityadmin:StartTelemetryEvaluation, or a service control policy/);
  expect(answer.Reason).toContain('`aws observabilityadmin start-telemetry-evaluation --region us-east-1`');
  expect(answer.Reason).toMatch(/retried for \d+ s/);
  // Retried (a policy just created takes a while to work), within the budget; then read once more.
  const starts = standIn.operations().filter((o) => o === 'StartTelemetryEvaluation').length;
  expect(starts).toBeGreaterThan(1);
  expect(standIn.status('ACCOUNT')).toBe('NOT_STARTED');
});

test('access denied for the organization: the ForOrganization action and command', async () => {
  standIn.denied.add('GetTelemetryEvaluationStatusForOrganization');
  const answer = await run(event('Create', 'ORGANIZATION'));
  expect(answer).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'telemetry-evaluation-organization' });
  expect(answer.Reason).toMatch(/lacks observabilityadmin:GetTelemetryEvaluationStatusForOrganization/);
  expect(answer.Reason).toContain('`aws observabilityadmin get-telemetry-evaluation-status-for-organization --region us-east-1`');
});

test('FAILED_START after our Start: FAILED with the FailureReason', async () => {
  standIn.failStartWith = 'Unable to create the service-linked role AWSServiceRoleForObservabilityAdmin_TelemetryEnablement';
  const answer = await run(event('Create', 'ACCOUNT'));
  expect(answer.Status).toBe('FAILED');
  expect(answer.Reason).toMatch(/failed to start \(status FAILED_START\): Unable to create the service-linked role AWSServiceRoleForObservabilityAdmin_TelemetryEnablement\./);
  expect(answer.Reason).toMatch(/deploy again/);
  expect(standIn.status('ACCOUNT')).toBe('FAILED_START');
  expect(standIn.operations().filter((o) => o === 'StartTelemetryEvaluation')).toHaveLength(1);
});

test('organization, not the management account: FAILED saying so and how to fix it, without retrying', async () => {
  standIn.organizationAccess = 'not-management-account';
  const answer = await run(event('Create', 'ORGANIZATION'));
  expect(answer).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'telemetry-evaluation-organization' });
  expect(answer.Reason).toMatch(/management account or a delegated administrator account of CloudWatch telemetry config, and account 111122223333 is neither/);
  expect(answer.Reason).toContain('aws organizations enable-aws-service-access --service-principal observabilityadmin.amazonaws.com');
  expect(answer.Reason).toContain('aws organizations register-delegated-administrator --account-id 111122223333 --service-principal observabilityadmin.amazonaws.com');
  expect(standIn.operations()).toEqual(['GetTelemetryEvaluationStatusForOrganization']);
});

test('organization, trusted access not enabled: FAILED with the command that enables it', async () => {
  standIn.organizationAccess = 'trusted-access-not-enabled';
  const answer = await run(event('Create', 'ORGANIZATION'));
  expect(answer.Status).toBe('FAILED');
  expect(answer.Reason).toMatch(/Trusted access for CloudWatch telemetry config is not enabled/);
  expect(answer.Reason).toContain('`aws organizations enable-aws-service-access --service-principal observabilityadmin.amazonaws.com`');
  // Who creates the service-linked role: the start, in the management account; AWS, in the members, once trusted access is on.
  expect(answer.Reason).toMatch(/AWSServiceRoleForObservabilityAdmin is created in the management account \(the start creates it there/);
  expect(answer.Reason).toMatch(/in the member accounts automatically once trusted access is on/);
  expect(answer.Reason).not.toMatch(/enable-aws-service-access[^.]*\(it also creates/);
});

test('organization: started and RUNNING, the account scope untouched', async () => {
  const answer = await run(event('Create', 'ORGANIZATION'));
  expect(answer).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'telemetry-evaluation-organization' });
  expect(standIn.status('ORGANIZATION')).toBe('RUNNING');
  expect(standIn.status('ACCOUNT')).toBe('NOT_STARTED');
  expect(new Set(standIn.operations())).toEqual(new Set(['GetTelemetryEvaluationStatusForOrganization', 'StartTelemetryEvaluationForOrganization']));
});

test('a scope change answers the new physical ID (a replacement)', async () => {
  standIn.set('ORGANIZATION', 'RUNNING');
  const answer = await run(event('Update', 'ORGANIZATION', {
    PhysicalResourceId: 'telemetry-evaluation-account', OldResourceProperties: { Scope: 'ACCOUNT' } as any,
  }));
  expect(answer).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'telemetry-evaluation-organization' });
});

test.each(['telemetry-evaluation-account', 'telemetry-evaluation-organization'])('Delete (%s): SUCCESS at once, no call at all', async (physicalId) => {
  standIn.set('ACCOUNT', 'RUNNING');
  const answer = await run(event('Delete', physicalId.endsWith('account') ? 'ACCOUNT' : 'ORGANIZATION', { PhysicalResourceId: physicalId }));
  expect(answer).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: physicalId });
  expect(standIn.calls).toEqual([]);
  expect(standIn.status('ACCOUNT')).toBe('RUNNING');
});

test('still STARTING after 5 minutes: FAILED, saying how to check', async () => {
  standIn.readsToStart = 1_000;
  const before = clock;
  const answer = await run(event('Create', 'ACCOUNT'));
  expect(answer.Status).toBe('FAILED');
  expect(answer.Reason).toMatch(/is still STARTING after 5 minutes since StartTelemetryEvaluation/);
  expect(answer.Reason).toContain('`aws observabilityadmin get-telemetry-evaluation-status --region us-east-1`');
  expect(clock - before).toBeLessThanOrEqual(WAIT_BUDGET_MS);
});

test('throttling is retried', async () => {
  standIn.set('ACCOUNT', 'RUNNING');
  standIn.failNext('GetTelemetryEvaluationStatus', 'TooManyRequestsException', 429);
  const answer = await run(event('Create', 'ACCOUNT'));
  expect(answer.Status).toBe('SUCCESS');
  expect(standIn.operations()).toEqual(['GetTelemetryEvaluationStatus', 'GetTelemetryEvaluationStatus']);
});

test('an invalid Scope: FAILED naming the valid ones, no call', async () => {
  const answer = await run(event('Create', 'REGION'));
  expect(answer).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'telemetry-evaluation-invalid-scope' });
  expect(answer.Reason).toBe('TelemetryEvaluation: the property Scope must be ACCOUNT or ORGANIZATION, got "REGION"');
  expect(standIn.calls).toEqual([]);
});
