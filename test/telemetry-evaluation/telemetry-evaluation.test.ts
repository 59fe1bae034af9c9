import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { EventDataStoreImport, ImportSource } from '../../src';
import { TelemetryEvaluation } from '../../src/telemetry-evaluation/telemetry-evaluation';
import { ACCOUNT as NAG_ACCOUNT, synthesize } from '../compliance/configurations';
import { nag } from '../compliance/nag';

const ACCOUNT = '111122223333';
const STORE = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:eventdatastore/store-1`;

function stack(): Stack {
  return new Stack(new App(), 'TelemetryStack', { env: { account: ACCOUNT, region: 'us-east-1' } });
}

function functionArnOf(template: Template): unknown {
  const functions = template.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('custom resources') } });
  const [id] = Object.keys(functions);
  return { 'Fn::GetAtt': [id, 'Arn'] };
}

function telemetryPolicy(template: Template): [string, any] {
  const policies = Object.entries(template.findResources('AWS::IAM::ManagedPolicy'))
    .filter(([id]) => id.includes('TelemetryEvaluationPolicy'));
  expect(policies).toHaveLength(1);
  return policies[0];
}

const SLR_STATEMENT = {
  Sid: 'CreateTelemetryServiceLinkedRoles',
  Effect: 'Allow',
  Action: 'iam:CreateServiceLinkedRole',
  Resource: [
    { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${ACCOUNT}:role/aws-service-role/observabilityadmin.amazonaws.com/*`]] },
    { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${ACCOUNT}:role/aws-service-role/telemetry-enablement.observabilityadmin.amazonaws.com/*`]] },
  ],
  Condition: { StringEquals: { 'iam:AWSServiceName': ['observabilityadmin.amazonaws.com', 'telemetry-enablement.observabilityadmin.amazonaws.com'] } },
};

test('the custom resource: its type, the orchestrator function as ServiceToken, its one property, a service timeout', () => {
  const s = stack();
  TelemetryEvaluation.of(s, 'ACCOUNT');
  const template = Template.fromStack(s);
  template.resourceCountIs('Custom::TelemetryEvaluation', 1);
  template.hasResourceProperties('Custom::TelemetryEvaluation', {
    ServiceToken: functionArnOf(template),
    ServiceTimeout: '600',
    Scope: 'ACCOUNT',
  });
  // Nothing else in its properties.
  const [resource] = Object.values(template.findResources('Custom::TelemetryEvaluation')) as any[];
  expect(Object.keys(resource.Properties).sort()).toEqual(['Scope', 'ServiceTimeout', 'ServiceToken']);
  // Delete is a no-op on the service; the resource keeps no data.
  expect(resource.DeletionPolicy).toBe('Delete');
});

test('the account scope: exactly the three account actions on * (status, start, the list for conflicting rules), and the service-linked roles under the condition', () => {
  const s = stack();
  TelemetryEvaluation.of(s, 'ACCOUNT');
  const [, policy] = telemetryPolicy(Template.fromStack(s));
  expect(policy.Properties.PolicyDocument.Statement).toEqual([
    SLR_STATEMENT,
    {
      Sid: 'TelemetryEvaluationAccount',
      Effect: 'Allow',
      Action: ['observabilityadmin:GetTelemetryEvaluationStatus', 'observabilityadmin:StartTelemetryEvaluation', 'observabilityadmin:ListTelemetryRules'],
      Resource: '*',
    },
  ]);
  expect(policy.Properties.Roles).toHaveLength(1);
});

test('the organization scope: the ForOrganization actions', () => {
  const s = stack();
  TelemetryEvaluation.of(s, 'ORGANIZATION');
  const template = Template.fromStack(s);
  template.hasResourceProperties('Custom::TelemetryEvaluation', { Scope: 'ORGANIZATION' });
  const [, policy] = telemetryPolicy(template);
  expect(policy.Properties.PolicyDocument.Statement).toEqual([
    SLR_STATEMENT,
    {
      Sid: 'TelemetryEvaluationForOrganization',
      Effect: 'Allow',
      Action: [
        'observabilityadmin:GetTelemetryEvaluationStatusForOrganization', 'observabilityadmin:StartTelemetryEvaluationForOrganization',
        'observabilityadmin:ListTelemetryRulesForOrganization',
      ],
      Resource: '*',
    },
    // Starting it enables trusted access when it is not on yet (AccessDenied without it), for CloudWatch telemetry config only.
    {
      Sid: 'EnableTrustedAccessForTelemetryConfig',
      Effect: 'Allow',
      Action: 'organizations:EnableAWSServiceAccess',
      Resource: '*',
      Condition: { StringEquals: { 'organizations:ServicePrincipal': 'observabilityadmin.amazonaws.com' } },
    },
  ]);
});

test('one per stack and scope; both scopes share the function and one policy', () => {
  const s = stack();
  const first = TelemetryEvaluation.of(s, 'ACCOUNT');
  expect(TelemetryEvaluation.of(s, 'ACCOUNT')).toBe(first);
  const org = TelemetryEvaluation.of(s, 'ORGANIZATION');
  expect(org).not.toBe(first);
  const template = Template.fromStack(s);
  template.resourceCountIs('Custom::TelemetryEvaluation', 2);
  template.resourceCountIs('AWS::Lambda::Function', 1);
  const [, policy] = telemetryPolicy(template);
  expect(policy.Properties.PolicyDocument.Statement.map((st: any) => st.Sid)).toEqual(
    ['CreateTelemetryServiceLinkedRoles', 'TelemetryEvaluationAccount', 'TelemetryEvaluationForOrganization', 'EnableTrustedAccessForTelemetryConfig']);
  // Another stack has its own.
  const other = new Stack(s.node.root as App, 'Other', { env: { account: ACCOUNT, region: 'eu-west-1' } });
  expect(TelemetryEvaluation.of(other, 'ACCOUNT')).not.toBe(first);
});

test('the custom resource waits for the telemetry policy and the orchestrator (aws-cdk issue 9840)', () => {
  const s = stack();
  TelemetryEvaluation.of(s, 'ACCOUNT');
  const template = Template.fromStack(s);
  const [policyId] = telemetryPolicy(template);
  const [resource] = Object.values(template.findResources('Custom::TelemetryEvaluation')) as any[];
  expect(resource.DependsOn).toEqual(expect.arrayContaining([policyId]));
  // The function stands for the handler role's policy chunks (it depends on each): one dependency, not one per chunk.
  const [functionId] = Object.keys(template.findResources('AWS::Lambda::Function'));
  const handlerPolicies = Object.keys(template.findResources('AWS::IAM::ManagedPolicy')).filter((id) => id.includes('HandlerPolicy'));
  expect(handlerPolicies.length).toBeGreaterThan(0);
  expect(resource.DependsOn).toEqual(expect.arrayContaining([functionId]));
  expect(template.toJSON().Resources[functionId].DependsOn).toEqual(expect.arrayContaining(handlerPolicies));
});

test('shares the orchestrator with the imports of the stack, whose handler options must match', () => {
  const s = stack();
  new EventDataStoreImport(s, 'Import', { source: ImportSource.fromEventDataStoreArn(STORE), handler: { logRetention: logs.RetentionDays.ONE_MONTH } });
  TelemetryEvaluation.of(s, 'ACCOUNT', { logRetention: logs.RetentionDays.ONE_MONTH });
  const template = Template.fromStack(s);
  template.resourceCountIs('AWS::Lambda::Function', 1);
  template.hasResourceProperties('Custom::TelemetryEvaluation', { ServiceToken: functionArnOf(template) });
  template.hasResourceProperties('Custom::EventDataStoreImport', { ServiceToken: functionArnOf(template) });
  expect(() => TelemetryEvaluation.of(s, 'ACCOUNT', { logRetention: logs.RetentionDays.ONE_YEAR })).toThrow(/handler.logRetention .* differs/);
});

test('a stack without it has no telemetry statement', () => {
  const s = stack();
  new EventDataStoreImport(s, 'Import', { source: ImportSource.fromEventDataStoreArn(STORE) });
  expect(JSON.stringify(Template.fromStack(s).toJSON())).not.toMatch(/observabilityadmin|TelemetryEvaluation/);
});

test('cdk-nag (AwsSolutions, NIST 800-53 rev 5): the wildcards are acknowledged, nothing else is found', () => {
  const { app } = synthesize((s) => {
    TelemetryEvaluation.of(s, 'ACCOUNT');
    TelemetryEvaluation.of(s, 'ORGANIZATION');
  });
  const raw = nag(app, { ignoreAcknowledgements: true }).filter((f) => f.path.includes('TelemetryEvaluation'));
  expect(raw.map((f) => f.rule).sort()).toEqual([
    'AwsSolutions-IAM5[Resource::*]',
    `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::${NAG_ACCOUNT}:role/aws-service-role/observabilityadmin.amazonaws.com/*]`,
    `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::${NAG_ACCOUNT}:role/aws-service-role/telemetry-enablement.observabilityadmin.amazonaws.com/*]`,
  ]);
  expect(nag(app)).toEqual([]);
});
