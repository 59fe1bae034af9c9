/**
 * The preflight stand-ins speak what the SDK clients expect: their answers use only members of
 * the clients' own schemas (`...$` exports), and the IAM stand-in decides with a policy engine.
 */
import { CloudFormationClient, DescribeStacksCommand, GetTemplateCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import * as cloudtrailSdk from '@aws-sdk/client-cloudtrail';
import * as iamSdk from '@aws-sdk/client-iam';
import * as kmsSdk from '@aws-sdk/client-kms';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { schemaMembers } from './aws-protocols';
import { CloudFormationStackStandIn } from './cloudformation-stack-stand-in';
import { CloudTrailStandIn } from './cloudtrail-stand-in';
import { IamStandIn } from './iam-stand-in';
import { KmsStandIn } from './kms-stand-in';

const ACCOUNT = '111111111111';
const STORE = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:eventdatastore/store-1`;
const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/key-1`;

function config(endpoint: string) {
  return { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 };
}

/** Starts a stand-in before each test of the block and stops it after; the getter gives the current one. */
function eachTest<T extends { stop(): Promise<void> }>(start: () => Promise<T>): () => T {
  let standIn: T;
  beforeEach(async () => {
    standIn = await start();
  });
  afterEach(() => standIn.stop());
  return () => standIn;
}

describe('CloudTrail', () => {
  const current = eachTest(() => CloudTrailStandIn.start());

  test('GetEventDataStore: by ARN or ID, only members of GetEventDataStoreResponse; a missing store is EventDataStoreNotFoundException', async () => {
    const standIn = current();
    standIn.addStore({ arn: STORE, kmsKeyId: KEY, retentionPeriod: 7 });
    const client = new cloudtrailSdk.CloudTrailClient(config(standIn.endpoint));
    const byArn = await client.send(new cloudtrailSdk.GetEventDataStoreCommand({ EventDataStore: STORE }));
    const byId = await client.send(new cloudtrailSdk.GetEventDataStoreCommand({ EventDataStore: 'store-1' }));
    expect(byId.EventDataStoreArn).toBe(STORE);
    expect(byArn).toMatchObject({ EventDataStoreArn: STORE, Status: 'ENABLED', RetentionPeriod: 7, KmsKeyId: KEY });
    expect(byArn.CreatedTimestamp).toBeInstanceOf(Date);
    const { $metadata, ...members } = byArn;
    expect(schemaMembers(cloudtrailSdk.GetEventDataStoreResponse$)).toEqual(expect.arrayContaining(Object.keys(members)));
    expect(schemaMembers(cloudtrailSdk.GetEventDataStoreRequest$)).toEqual(expect.arrayContaining(Object.keys(standIn.calls[0].request)));

    await expect(client.send(new cloudtrailSdk.GetEventDataStoreCommand({ EventDataStore: 'nope' })))
      .rejects.toBeInstanceOf(cloudtrailSdk.EventDataStoreNotFoundException);
    expect(standIn.calls.map((c) => c.operation)).toEqual(['GetEventDataStore', 'GetEventDataStore', 'GetEventDataStore']);
    client.destroy();
  });

  test('GetEventDataStore: AdvancedEventSelectors (CloudTrail\'s default unless set), OrganizationEnabled, MultiRegionEnabled', async () => {
    const standIn = current();
    const selectors = [{ Name: 'S3 writes', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::S3::Object'] }] }];
    standIn.addStore({ arn: STORE, advancedEventSelectors: selectors, organizationEnabled: true, multiRegionEnabled: false });
    standIn.addStore({ arn: `${STORE}-default` });
    const client = new cloudtrailSdk.CloudTrailClient(config(standIn.endpoint));
    expect(await client.send(new cloudtrailSdk.GetEventDataStoreCommand({ EventDataStore: STORE })))
      .toMatchObject({ AdvancedEventSelectors: selectors, OrganizationEnabled: true, MultiRegionEnabled: false });
    expect(await client.send(new cloudtrailSdk.GetEventDataStoreCommand({ EventDataStore: `${STORE}-default` }))).toMatchObject({
      AdvancedEventSelectors: [{ Name: 'Default management events', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] }],
      OrganizationEnabled: false,
      MultiRegionEnabled: true,
    });
    client.destroy();
  });
});

describe('KMS', () => {
  const current = eachTest(() => KmsStandIn.start());

  test('DescribeKey by alias, GetKeyPolicy by ARN: members of the SDK schemas; an unknown key is NotFoundException', async () => {
    const standIn = current();
    const policy = { Version: '2012-10-17', Statement: [] };
    standIn.addKey({ arn: KEY, policy, aliases: ['alias/audit'] });
    const client = new kmsSdk.KMSClient(config(standIn.endpoint));
    const described = await client.send(new kmsSdk.DescribeKeyCommand({ KeyId: 'alias/audit' }));
    expect(described.KeyMetadata).toMatchObject({ Arn: KEY, KeyId: 'key-1', KeyState: 'Enabled', AWSAccountId: ACCOUNT });
    expect(schemaMembers(kmsSdk.KeyMetadata$)).toEqual(expect.arrayContaining(Object.keys(described.KeyMetadata!)));
    const keyPolicy = await client.send(new kmsSdk.GetKeyPolicyCommand({ KeyId: KEY, PolicyName: 'default' }));
    expect(JSON.parse(keyPolicy.Policy!)).toEqual(policy);
    const { $metadata, ...members } = keyPolicy;
    expect(schemaMembers(kmsSdk.GetKeyPolicyResponse$)).toEqual(expect.arrayContaining(Object.keys(members)));
    await expect(client.send(new kmsSdk.GetKeyPolicyCommand({ KeyId: 'alias/audit' }))).rejects.toBeInstanceOf(kmsSdk.NotFoundException);
    client.destroy();
  });
});

describe('IAM and STS', () => {
  let standIn: IamStandIn;
  let client: iamSdk.IAMClient;
  beforeEach(async () => {
    standIn = await IamStandIn.start(ACCOUNT);
    client = new iamSdk.IAMClient(config(standIn.endpoint));
  });
  afterEach(async () => {
    client.destroy();
    await standIn.stop();
  });

  const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 'sts:AssumeRole' }] };

  test('GetRole: the trust policy URL-encoded, members of the Role schema; an unknown role is NoSuchEntityException', async () => {
    const arn = standIn.addRole({ name: 'ImportRole', path: '/service/', trustPolicy: trust, policies: [] });
    const { Role } = await client.send(new iamSdk.GetRoleCommand({ RoleName: 'ImportRole' }));
    expect(Role!.Arn).toBe(arn);
    expect(arn).toBe(`arn:aws:iam::${ACCOUNT}:role/service/ImportRole`);
    expect(JSON.parse(decodeURIComponent(Role!.AssumeRolePolicyDocument!))).toEqual(trust);
    expect(schemaMembers(iamSdk.Role$)).toEqual(expect.arrayContaining(Object.keys(Role!)));
    await expect(client.send(new iamSdk.GetRoleCommand({ RoleName: 'Nope' }))).rejects.toBeInstanceOf(iamSdk.NoSuchEntityException);
  });

  test('SimulatePrincipalPolicy evaluates the role\'s policies: allow, implicit deny, explicit deny, conditions on context keys', async () => {
    const arn = standIn.addRole({
      name: 'Handler',
      trustPolicy: trust,
      policies: [{
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'logs:*', Resource: '*' },
          { Effect: 'Deny', Action: 'logs:CancelImportTask', Resource: '*' },
          { Effect: 'Allow', Action: 'iam:PassRole', Resource: '*', Condition: { StringEquals: { 'iam:PassedToService': 'cloudtrail.amazonaws.com' } } },
        ],
      }],
    });
    const simulate = async (actions: string[], context?: iamSdk.ContextEntry) => (await client.send(new iamSdk.SimulatePrincipalPolicyCommand({
      PolicySourceArn: arn, ActionNames: actions, ResourceArns: ['*'], ContextEntries: context ? [context] : undefined,
    }))).EvaluationResults!.map((r) => [r.EvalActionName, r.EvalDecision]);

    expect(await simulate(['logs:CreateImportTask', 'logs:CancelImportTask', 'cloudtrail:GetEventDataStoreData'])).toEqual([
      ['logs:CreateImportTask', 'allowed'], ['logs:CancelImportTask', 'explicitDeny'], ['cloudtrail:GetEventDataStoreData', 'implicitDeny'],
    ]);
    const passedTo = (value: string): iamSdk.ContextEntry => ({ ContextKeyName: 'iam:PassedToService', ContextKeyValues: [value], ContextKeyType: 'string' });
    expect(await simulate(['iam:PassRole'], passedTo('cloudtrail.amazonaws.com'))).toEqual([['iam:PassRole', 'allowed']]);
    expect(await simulate(['iam:PassRole'], passedTo('logs.amazonaws.com'))).toEqual([['iam:PassRole', 'implicitDeny']]);
    expect(await simulate(['iam:PassRole'])).toEqual([['iam:PassRole', 'implicitDeny']]);
  });

  test('SimulateCustomPolicy evaluates the given policies; results use EvaluationResult members only', async () => {
    const result = await client.send(new iamSdk.SimulateCustomPolicyCommand({
      PolicyInputList: [JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY }] })],
      ActionNames: ['kms:Decrypt', 'kms:GenerateDataKey'],
      ResourceArns: [KEY],
    }));
    // Without a ResourcePolicy, IAM's simulator decides on the identity policies (the key policy is not part of it).
    expect(result.EvaluationResults!.map((r) => r.EvalDecision)).toEqual(['allowed', 'implicitDeny']);
    expect(schemaMembers(iamSdk.EvaluationResult$)).toEqual(expect.arrayContaining(Object.keys(result.EvaluationResults![0])));
    const { $metadata, ...members } = result;
    expect(schemaMembers(iamSdk.SimulatePolicyResponse$)).toEqual(expect.arrayContaining(Object.keys(members)));
  });

  test('GetCallerIdentity answers with the configured account', async () => {
    const sts = new STSClient(config(standIn.endpoint));
    standIn.callerAccount = '222222222222';
    expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe('222222222222');
    sts.destroy();
  });
});

describe('CloudFormation stacks', () => {
  test('DescribeStacks, GetTemplate and ListStackResources of a deployed stack; an unknown stack is a ValidationError', async () => {
    const standIn = await CloudFormationStackStandIn.start();
    const client = new CloudFormationClient(config(standIn.endpoint));
    try {
      const template = { Resources: { Role: { Type: 'AWS::IAM::Role' }, Import: { Type: 'Custom::EventDataStoreImport' } } };
      standIn.addStack({ name: 'S', region: 'us-east-1', account: ACCOUNT, template, physicalIds: { Role: 'S-Role-1' } });
      const stack = (await client.send(new DescribeStacksCommand({ StackName: 'S' }))).Stacks![0];
      expect(stack.StackId).toMatch(new RegExp(`^arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/S/`));
      expect(JSON.parse((await client.send(new GetTemplateCommand({ StackName: 'S' }))).TemplateBody!)).toEqual(template);
      const resources = (await client.send(new ListStackResourcesCommand({ StackName: 'S' }))).StackResourceSummaries!;
      expect(resources.map((r) => [r.LogicalResourceId, r.PhysicalResourceId, r.ResourceType])).toEqual([
        ['Role', 'S-Role-1', 'AWS::IAM::Role'], ['Import', undefined, 'Custom::EventDataStoreImport'],
      ]);
      await expect(client.send(new DescribeStacksCommand({ StackName: 'Nope' }))).rejects.toMatchObject({ name: 'ValidationError' });
    } finally {
      client.destroy();
      await standIn.stop();
    }
  });
});
