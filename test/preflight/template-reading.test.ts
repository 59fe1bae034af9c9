/**
 * Reading templates and policies without AWS: the intrinsics preflight resolves (and those it
 * leaves unresolved), the statements it reads, and a simulation whose policies it could not resolve.
 */
import { IAMClient } from '@aws-sdk/client-iam';
import { isResolved, TemplateResolver } from '../../src/preflight/intrinsics';
import { grantOf, namesAccountRoot, namesService, PolicyDocument, wildcardMatches } from '../../src/preflight/policy-reading';
import { customPolicySimulator } from '../../src/preflight/simulation';
import { declaredImports, handlerRoleOf, keyInTemplate, templateRoles } from '../../src/preflight/template-reading';

const ENV = { partition: 'aws', region: 'eu-west-1', account: '123456789012', physicalIds: new Map<string, string>() };

describe('TemplateResolver', () => {
  const template = {
    Parameters: { StoreArn: { Default: 'arn:aws:cloudtrail:eu-west-1:123456789012:eventdatastore/abc' }, Free: {} },
    Resources: {
      Store: { Type: 'AWS::CloudTrail::EventDataStore' },
      Role: { Type: 'AWS::IAM::Role', Properties: { Path: '/imports/' } },
      Key: { Type: 'AWS::KMS::Key' },
      Alias: { Type: 'AWS::KMS::Alias', Properties: { AliasName: 'alias/audit', TargetKeyId: { Ref: 'Key' } } },
    },
  };

  test('pseudo parameters, parameter defaults, Join, Select, Split and Sub', () => {
    const r = new TemplateResolver(template, ENV);
    expect(r.resolve({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] })).toBe('arn:aws:iam::123456789012:root');
    expect(r.resolve({ Ref: 'StoreArn' })).toBe('arn:aws:cloudtrail:eu-west-1:123456789012:eventdatastore/abc');
    expect(r.resolve({ 'Fn::Select': [1, { 'Fn::Split': ['/', { Ref: 'StoreArn' }] }] })).toBe('abc');
    expect(r.resolve({ 'Fn::Sub': 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${Name}' })).toMatch(/^arn:aws:logs:eu-west-1:123456789012:log-group:#unresolved:/);
    expect(r.resolve({ 'Fn::Sub': ['${Role.Arn}/${X}', { X: 'x' }] })).toBe('arn:aws:iam::123456789012:role/imports/Role/x');
  });

  test('resources not created yet get names after their logical IDs; a deployed stack\'s their physical IDs', () => {
    const planned = new TemplateResolver(template, ENV);
    expect(planned.getAtt('Store', 'EventDataStoreArn')).toBe('arn:aws:cloudtrail:eu-west-1:123456789012:eventdatastore/Store');
    expect(planned.getAtt('Key', 'Arn')).toBe('arn:aws:kms:eu-west-1:123456789012:key/Key');
    const deployed = new TemplateResolver(template, { ...ENV, physicalIds: new Map([['Role', 'Stack-Role-1'], ['Key', 'k-1']]) });
    expect(deployed.getAtt('Role', 'Arn')).toBe('arn:aws:iam::123456789012:role/imports/Stack-Role-1');
    expect(deployed.resolve({ 'Fn::GetAtt': 'Key.Arn' })).toBe('arn:aws:kms:eu-west-1:123456789012:key/k-1');
    expect(deployed.exists('Role')).toBe(true);
    expect(deployed.exists('Store')).toBe(false);
  });

  test('what it cannot know stays marked unresolved', () => {
    const r = new TemplateResolver(template, ENV);
    for (const value of [{ Ref: 'Free' }, { 'Fn::ImportValue': 'x' }, { 'Fn::GetAtt': ['Role', 'RoleId'] }, { Ref: 'Nope' }, { 'Fn::If': ['c', 'a', 'b'] }]) {
      expect(isResolved(r.resolve(value))).toBe(false);
    }
  });

  test('keys are found by ARN, key ID, alias name and alias ARN', () => {
    const r = new TemplateResolver(template, ENV);
    for (const id of ['arn:aws:kms:eu-west-1:123456789012:key/Key', 'Key', 'alias/audit', 'arn:aws:kms:eu-west-1:123456789012:alias/audit']) {
      expect([id, keyInTemplate(r, id)]).toEqual([id, 'Key']);
    }
    expect(keyInTemplate(r, 'alias/other')).toBeUndefined();
  });
});

describe('template reading', () => {
  test('imports with each kind of window; roles with inline, attached and managed-by-ARN policies', () => {
    const allowImports = { Statement: [{ Effect: 'Allow', Action: 'logs:*', Resource: '*' }] };
    const template = {
      Resources: {
        Fixed: { Type: 'Custom::EventDataStoreImport', Properties: { ImportSourceArn: { 'Fn::GetAtt': ['Store', 'EventDataStoreArn'] }, ImportRoleArn: 'r', StartEventTime: '1', EndEventTime: '2' } },
        Lookback: { Type: 'Custom::EventDataStoreImport', Properties: { ImportSourceArn: 'a', ImportRoleArn: 'r', LookbackMillis: '1000' } },
        Whole: { Type: 'Custom::EventDataStoreImport', Properties: { ImportSourceArn: 'a', ImportRoleArn: 'r' } },
        Unknown: { Type: 'Custom::EventDataStoreImport', Properties: { ImportSourceArn: 'a', ImportRoleArn: 'r', StartEventTime: { Ref: 'Start' } } },
        Store: { Type: 'AWS::CloudTrail::EventDataStore' },
        Inline: { Type: 'AWS::IAM::Role', Properties: { Policies: [{ PolicyDocument: allowImports }] } },
        ByArn: { Type: 'AWS::IAM::Role', Properties: { ManagedPolicyArns: [{ Ref: 'Managed' }] } },
        Attached: { Type: 'AWS::IAM::Role' },
        Managed: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: allowImports } },
        Policy: { Type: 'AWS::IAM::Policy', Properties: { PolicyDocument: allowImports, Roles: [{ Ref: 'Attached' }] } },
      },
    };
    const r = new TemplateResolver(template, ENV);
    const imports = declaredImports(r, new Map());
    expect(imports.map((i) => [i.logicalId, i.window.kind, i.storeLogicalId])).toEqual([
      ['Fixed', 'fixed', 'Store'], ['Lookback', 'lookback', undefined], ['Whole', 'whole-retention', undefined], ['Unknown', 'unresolved', undefined],
    ]);
    const roles = templateRoles(r);
    expect(roles.map((role) => [role.logicalId, role.policies.length])).toEqual([['Inline', 1], ['ByArn', 1], ['Attached', 1]]);
    expect(handlerRoleOf(roles)?.logicalId).toBe('Inline');
  });
});

describe('policy reading', () => {
  test('wildcards, NotAction, principals, conditions and an unconditional Deny', () => {
    expect(wildcardMatches('kms:Gen*', 'kms:GenerateDataKey')).toBe(true);
    expect(wildcardMatches('KMS:decrypt', 'kms:Decrypt')).toBe(true);
    expect(wildcardMatches('kms:?ecrypt', 'kms:Encrypt')).toBe(false);
    const cloudTrail = (s: any) => namesService(s, 'cloudtrail.amazonaws.com');
    const policy: PolicyDocument = {
      Statement: [
        { Effect: 'Allow', Principal: { Service: ['cloudtrail.amazonaws.com'] }, NotAction: 'kms:ScheduleKeyDeletion', Resource: '*' },
        { Effect: 'Deny', Principal: '*', Action: 'kms:Encrypt', Resource: '*' },
        { Effect: 'Allow', Principal: { AWS: '123456789012' }, Action: 'kms:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'true' } } },
      ],
    };
    expect(grantOf(policy, 'kms:Decrypt', cloudTrail)).toBe('allowed');
    expect(grantOf(policy, 'kms:ScheduleKeyDeletion', cloudTrail)).toBe('missing');
    expect(grantOf(policy, 'kms:Encrypt', cloudTrail)).toBe('denied');
    expect(grantOf(policy, 'kms:*', (s) => namesAccountRoot(s, '123456789012'))).toBe('allowed-with-conditions');
  });
});

test('a denial by policies with statements preflight could not resolve is uncertain for the actions they could allow', () => {
  const simulator = customPolicySimulator(new IAMClient({ region: 'eu-west-1' }), 'the template\'s policies', [{
    Statement: [
      { Effect: 'Allow', Action: 'iam:PassRole', Resource: { 'Fn::ImportValue': 'RoleArn' } as any },
      { Effect: 'Allow', Action: 'logs:CreateImportTask', Resource: '*' },
    ],
  }].map((p) => new TemplateResolver({}, ENV).resolve(p) as any));
  expect(simulator.uncertainFor('iam:PassRole')).toBe(true);
  expect(simulator.uncertainFor('logs:CreateImportTask')).toBe(false);
});
