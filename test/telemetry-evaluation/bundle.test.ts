/**
 * What ships: the BUNDLED orchestrator function (`npx projen bundle`) serves
 * Custom::TelemetryEvaluation, its hand-made ObservabilityAdmin client reaching the stand-in through
 * AWS_ENDPOINT_URL_OBSERVABILITYADMIN alone, signing with the environment's credentials, answering
 * CloudFormation (the driver) on its loopback response URL.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { TelemetryEvaluation } from '../../src/telemetry-evaluation/telemetry-evaluation';
import * as seq from '../cloudformation-driver/sequences';
import { ACCOUNT, ASSET, REGION } from '../deploy-time/scenario-world';
import { DeployTimeWorld } from '../deploy-time/world';
import { ObservabilityAdminStandIn } from '../stand-in/observability-admin-stand-in';

let standIn: ObservabilityAdminStandIn;
let world: DeployTimeWorld;

function template(): any {
  const stack = new Stack(new App(), 'TelemetryStack', { env: { account: ACCOUNT, region: REGION } });
  TelemetryEvaluation.of(stack, 'ACCOUNT');
  return Template.fromStack(stack).toJSON();
}

beforeEach(async () => {
  standIn = await ObservabilityAdminStandIn.start({ region: REGION });
  standIn.readsToStart = 2;
  world = await DeployTimeWorld.start({
    template: template(),
    asset: ASSET,
    resourceType: 'Custom::TelemetryEvaluation',
    serviceTimeoutMs: 10_000,
    env: {
      // The function's own waits: 10 s polls become 10 ms.
      ORCHESTRATOR_TIME_SCALE: '0.001',
      // Anything without a stand-in goes nowhere: a closed loopback port, never AWS.
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      AWS_ENDPOINT_URL_OBSERVABILITYADMIN: standIn.endpoint,
    },
  });
});

afterEach(async () => {
  await world.close();
  await standIn.stop();
  expect(standIn.shapeViolations).toEqual([]);
});

test('Create starts telemetry evaluation and answers SUCCESS once it is RUNNING; Delete touches nothing', async () => {
  const [logicalId] = world.resources;
  const { first } = await seq.createStack(world.driver, logicalId, world.properties());
  expect(first.status).toBe('SUCCESS');
  expect(first.response?.PhysicalResourceId).toBe('telemetry-evaluation-account');
  expect(standIn.status('ACCOUNT')).toBe('RUNNING');
  expect(standIn.operations()).toEqual([
    'GetTelemetryEvaluationStatus', 'StartTelemetryEvaluation',
    'GetTelemetryEvaluationStatus', 'GetTelemetryEvaluationStatus', 'GetTelemetryEvaluationStatus',
  ]);

  const calls = standIn.calls.length;
  const [deleted] = await seq.deleteStack(world.driver, [logicalId]);
  expect(deleted.status).toBe('SUCCESS');
  expect(standIn.calls.length).toBe(calls);
  expect(standIn.status('ACCOUNT')).toBe('RUNNING');
});

test('an access denial reaches CloudFormation as a FAILED answer naming the action and the command', async () => {
  standIn.denied.add('StartTelemetryEvaluation');
  const [logicalId] = world.resources;
  const { first } = await seq.createStack(world.driver, logicalId, world.properties());
  expect(first.status).toBe('FAILED');
  expect(first.response?.Reason).toMatch(/lacks observabilityadmin:StartTelemetryEvaluation/);
  expect(first.response?.Reason).toContain('aws observabilityadmin start-telemetry-evaluation');
});

test('the bundle tolerates an adopted CloudTrail rule and still fails on one not adopted', async () => {
  const [logicalId] = world.resources;
  const rule = (name: string) => ({ RuleName: name, RuleArn: `arn:aws:observabilityadmin:${REGION}:${ACCOUNT}:telemetry-rule/${name}`, ResourceType: 'AWS::CloudTrail', TelemetryType: 'Logs' });
  standIn.rules.ACCOUNT.push(rule('Stack-Migration-1A2B'), rule('console-cloudtrail'));
  const properties = { ...world.properties(), CloudTrailRuleNames: 'Stack-Migration-1A2B', AdoptedCloudTrailRuleNames: 'console-cloudtrail' };
  const { first } = await seq.createStack(world.driver, logicalId, properties);
  expect(first.status).toBe('SUCCESS');
  expect(first.response?.Reason).toContain('adopted CloudTrail telemetry rule console-cloudtrail');
  expect(first.response?.Data).toEqual({ AdoptedCloudTrailRuleNames: 'console-cloudtrail' });

  standIn.rules.ACCOUNT.push(rule('team-cloudtrail'));
  const { first: updated } = await seq.updateStack(world.driver, logicalId, properties);
  expect(updated.status).toBe('FAILED');
  expect(updated.response?.Reason).toMatch(/already has the CloudTrail telemetry rule team-cloudtrail/);
});
