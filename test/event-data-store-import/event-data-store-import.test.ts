import { App, CfnParameter, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { allStatements, ACCOUNT, newStack, REGION, statementsOfRole, STORE_ARN, STORE_ID, template, warnings } from './fixtures';
import { CloudTrailLakeMigration, EventDataStoreImport, ImportSource, ImportTimeRange, MigrationSource } from '../../src';

const RANGE_2024 = ImportTimeRange.between(new Date('2024-01-01T00:00:00Z'), new Date('2025-01-01T00:00:00Z'));

function minimal(stack: Stack, id = 'Import', extra: Partial<ConstructorParameters<typeof EventDataStoreImport>[2]> = {}) {
  return new EventDataStoreImport(stack, id, { source: ImportSource.fromEventDataStoreArn(STORE_ARN), ...extra });
}

function logGroupArn(name: string) {
  return `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${name}`;
}

describe('the custom resource', () => {
  test('calls the orchestrator function directly with the source, the role, the ledger and the settings as strings', () => {
    const stack = newStack();
    minimal(stack, 'Import', { timeRange: RANGE_2024 });
    const t = template(stack);
    t.hasResourceProperties('Custom::EventDataStoreImport', {
      ServiceToken: { 'Fn::GetAtt': [Match.stringLikeRegexp('OrchestratorHandler'), 'Arn'] },
      ImportSourceArn: STORE_ARN,
      ImportRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('ImportRole'), 'Arn'] },
      StartEventTime: String(Date.UTC(2024, 0, 1)),
      EndEventTime: String(Date.UTC(2025, 0, 1)),
      WaitForCompletion: 'false',
      TimeoutSeconds: Match.absent(),
      RemovalPolicy: 'retain',
      LedgerTableName: { Ref: Match.stringLikeRegexp('OrchestratorLedger') },
      StateMachineArn: { Ref: Match.stringLikeRegexp('OrchestratorStateMachine') },
      // Without waiting, the function answers within one invocation.
      ServiceTimeout: '600',
    });
    // No provider framework: the function is the ServiceToken.
    t.resourceCountIs('AWS::Lambda::Function', 1);
  });

  test('without a time range, no filter is sent', () => {
    const stack = newStack();
    minimal(stack);
    const props = Object.values(template(stack).findResources('Custom::EventDataStoreImport'))[0].Properties;
    expect(props.StartEventTime).toBeUndefined();
    expect(props.EndEventTime).toBeUndefined();
    expect(props.LookbackMillis).toBeUndefined();
  });

  test('a lookback is passed as milliseconds, for the handler to measure at deploy time', () => {
    const stack = newStack();
    minimal(stack, 'Import', { timeRange: ImportTimeRange.lookback(Duration.days(90)) });
    template(stack).hasResourceProperties('Custom::EventDataStoreImport', { LookbackMillis: String(90 * 86_400_000) });
  });

  test('epoch milliseconds may be tokens, passed through as they are', () => {
    const stack = newStack();
    const start = new CfnParameter(stack, 'Start', { type: 'Number' }).valueAsNumber;
    const end = new CfnParameter(stack, 'End', { type: 'Number' }).valueAsNumber;
    minimal(stack, 'Import', { timeRange: ImportTimeRange.fromEpochMillis(start, end) });
    template(stack).hasResourceProperties('Custom::EventDataStoreImport', { StartEventTime: { Ref: 'Start' }, EndEventTime: { Ref: 'End' } });
  });

  test('wait mode sets the timeouts: the resource waits longer than the orchestrator (its timeout, one poll and a margin)', () => {
    const stack = newStack();
    minimal(stack, 'Import', { waitForCompletion: true, completionTimeout: Duration.minutes(30) });
    template(stack).hasResourceProperties('Custom::EventDataStoreImport', { WaitForCompletion: 'true', TimeoutSeconds: '1800', ServiceTimeout: '2400' });
  });

  test('the resource depends on the policies, the ledger and the state machine, so that Delete still has them', () => {
    const stack = newStack();
    minimal(stack, 'Import', { removalPolicy: RemovalPolicy.DESTROY });
    const t = template(stack);
    const [resource] = Object.values(t.findResources('Custom::EventDataStoreImport'));
    const [functionId] = Object.keys(t.findResources('AWS::Lambda::Function'));
    const handlerFunction = t.toJSON().Resources[functionId];
    const policies = Object.keys(t.findResources('AWS::IAM::ManagedPolicy'));
    // The function stands for the handler role's policy chunks: it depends on each of them.
    const chunks = policies.filter((id) => id.includes('HandlerPolicy'));
    expect(chunks.length).toBeGreaterThan(0);
    for (const chunk of chunks) expect(handlerFunction.DependsOn).toContain(chunk);
    // The state machine's own policy comes with the state machine (it depends on its role).
    const needed = [
      functionId,
      ...policies.filter((id) => id.includes('OrchestrationPolicy') || id.includes('ImportRole')),
      ...Object.keys(t.findResources('AWS::DynamoDB::Table')),
      ...Object.keys(t.findResources('AWS::StepFunctions::StateMachine')),
    ];
    expect([...resource.DependsOn].sort()).toEqual([...needed].sort());
  });

  test('each resource has the same few dependencies however many imports (the template grows linearly)', () => {
    const stack = newStack();
    for (let i = 0; i < 60; i++) {
      minimal(stack, `Import${i}`, { source: ImportSource.fromEventDataStoreArn(STORE_ARN.replace(STORE_ID, `store-${i}`)), removalPolicy: RemovalPolicy.DESTROY });
    }
    const t = template(stack);
    expect(Object.keys(t.findResources('AWS::IAM::ManagedPolicy')).filter((id) => id.includes('HandlerPolicy')).length).toBeGreaterThan(1);
    const dependsOn = Object.values(t.findResources('Custom::EventDataStoreImport')).map((r) => r.DependsOn.length);
    // The function, the orchestration policy, the ledger, the state machine, the store's import role policy.
    expect(new Set(dependsOn)).toEqual(new Set([5]));
  });

  test('the record ID is the physical ID; the import\'s own attributes exist only when the deployment waits for it', () => {
    const stack = newStack();
    const imp = minimal(stack);
    expect(stack.resolve(imp.importRecordId)).toEqual({ Ref: expect.stringMatching(/^Import/) });
    expect(() => imp.importId).toThrow(/importId of Stack\/Import is known at deploy time only with waitForCompletion: true/);
    expect(() => imp.creationTime).toThrow(/creationTime/);
    expect(() => imp.bytesImported).toThrow(/bytesImported/);
    const waiting = minimal(stack, 'Waiting', { waitForCompletion: true, timeRange: RANGE_2024 });
    expect(stack.resolve(waiting.importId)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Waiting/), 'ImportId'] });
    expect(stack.resolve(waiting.creationTime)).toEqual({ 'Fn::GetAtt': [expect.any(String), 'CreationTime'] });
    expect(stack.resolve(waiting.bytesImported)).toEqual({ 'Fn::GetAtt': [expect.any(String), 'BytesImported'] });
    expect(imp.eventDataStoreArn).toBe(STORE_ARN);
    expect(imp.node.findChild('Resource')).toBeDefined();
  });

  test('the destination log group is known at synth: aws/cloudtrail/<store id>, in the stack\'s account and region', () => {
    const stack = newStack();
    const imp = minimal(stack);
    expect(imp.destinationLogGroupName).toBe(`aws/cloudtrail/${STORE_ID}`);
    expect(imp.destinationLogGroupArn).toBe(`arn:aws:logs:${REGION}:${ACCOUNT}:log-group:aws/cloudtrail/${STORE_ID}`);
    expect(imp.destinationLogGroup.logGroupName).toBe(`aws/cloudtrail/${STORE_ID}`);
    // A store known by reference: the stack's account, region and partition.
    const ofApp = new EventDataStoreImport(stack, 'OfApp', { source: ImportSource.fromEventDataStore(new cloudtrail.CfnEventDataStore(stack, 'Store', {})) });
    expect(stack.resolve(ofApp.destinationLogGroupArn)).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:logs:${REGION}:${ACCOUNT}:log-group:aws/cloudtrail/`, expect.anything()]] });
  });

  test('grants on the destination log group are identity-based: no account-level resource policy (10 per region at most)', () => {
    const stack = newStack('Agnostic', undefined);
    const imp = new EventDataStoreImport(stack, 'Import', { source: ImportSource.fromEventDataStore(new cloudtrail.CfnEventDataStore(stack, 'Store', {})) });
    const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    imp.destinationLogGroup.grantRead(reader);
    const t = template(stack);
    t.resourceCountIs('AWS::Logs::ResourcePolicy', 0);
    expect(JSON.stringify(allStatements(t, 'AWS::IAM::Policy'))).toContain('aws/cloudtrail/');
  });
});

describe('one orchestrator per stack', () => {
  test('three imports share one function, one state machine and one ledger; each store has its own import role', () => {
    const stack = newStack();
    for (const id of ['A', 'B', 'C']) {
      new EventDataStoreImport(stack, id, {
        source: ImportSource.fromEventDataStoreArn(STORE_ARN.replace(STORE_ID, `store-${id.toLowerCase()}`)),
      });
    }
    const t = template(stack);
    t.resourceCountIs('Custom::EventDataStoreImport', 3);
    t.resourceCountIs('AWS::Lambda::Function', 1);
    t.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    t.resourceCountIs('AWS::DynamoDB::Table', 1);
    const cloudTrailRoles = t.findResources('AWS::IAM::Role', {
      Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'cloudtrail.amazonaws.com' } })] } },
    });
    expect(Object.keys(cloudTrailRoles)).toHaveLength(3);
  });

  test('a store keeps its import role when other imports are added or removed (assigned by store, not by order)', () => {
    const roleOf = (ids: string[]) => {
      const stack = newStack();
      for (const id of ids) new EventDataStoreImport(stack, id, { source: ImportSource.fromEventDataStoreArn(STORE_ARN.replace(STORE_ID, `store-${id}`)) });
      const resources = template(stack).findResources('Custom::EventDataStoreImport');
      return Object.fromEntries(Object.entries(resources).map(([logicalId, r]) => [logicalId, JSON.stringify(r.Properties.ImportRoleArn)]));
    };
    const before = roleOf(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    const after = roleOf(['a', 'c', 'd', 'e', 'f', 'g', 'h']);
    for (const [logicalId, role] of Object.entries(after)) expect(role).toBe(before[logicalId]);
  });

  test('the ledger: on-demand, point-in-time recovery, retained with the stack', () => {
    const stack = newStack();
    minimal(stack);
    template(stack).hasResource('AWS::DynamoDB::Table', {
      Properties: {
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  test('the ledger can be encrypted with a customer managed key', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'LedgerKey');
    minimal(stack, 'Import', { handler: { ledgerEncryptionKey: key } });
    const t = template(stack);
    t.hasResourceProperties('AWS::DynamoDB::Table', { SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('LedgerKey'), 'Arn'] } } });
    expect(statementsOfRole(t, 'HandlerRole')).toContainEqual(expect.objectContaining({ Resource: { 'Fn::GetAtt': [expect.stringMatching(/LedgerKey/), 'Arn'] } }));
  });

  test('the state machine is Standard (durable, up to a year), logged and traced, and its waits use the poll interval', () => {
    const stack = newStack();
    minimal(stack, 'Import', { handler: { pollInterval: Duration.minutes(2) } });
    const t = template(stack);
    t.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: false }),
    });
    const [machine] = Object.values(t.findResources('AWS::StepFunctions::StateMachine'));
    const definition = JSON.stringify(machine.Properties.DefinitionString);
    expect(definition).toContain('\\"WaitForSlot\\":{\\"Type\\":\\"Wait\\",\\"Seconds\\":120');
  });

  test('a poll interval outside 1 minute..1 hour is an error that names it', () => {
    expect(() => minimal(newStack(), 'Import', { handler: { pollInterval: Duration.seconds(10) } })).toThrow(/handler.pollInterval must be between 1 minute and 1 hour, got 10 seconds/);
  });

  test('the function may start, watch and stop only its own state machine\'s executions, and read only its own stack', () => {
    const stack = newStack();
    minimal(stack);
    const statements = statementsOfRole(template(stack), 'HandlerRole');
    expect(statements).toContainEqual({ Effect: 'Allow', Action: 'states:StartExecution', Resource: { Ref: expect.stringMatching(/OrchestratorStateMachine/) } });
    expect(JSON.stringify(statements)).toContain(':execution:');
    expect(statements).toContainEqual({ Effect: 'Allow', Action: ['cloudformation:DescribeStacks', 'cloudformation:DescribeStackResource'], Resource: { Ref: 'AWS::StackId' } });
    expect(statements).toContainEqual(expect.objectContaining({
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query', 'dynamodb:Scan'],
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/OrchestratorLedger/), 'Arn'] },
    }));
  });

  test('a notification topic may be told by the function', () => {
    const stack = newStack();
    const topic = new sns.Topic(stack, 'Topic');
    minimal(stack, 'Import', { notificationTopic: topic });
    const t = template(stack);
    t.hasResourceProperties('Custom::EventDataStoreImport', { NotificationTopicArn: { Ref: Match.stringLikeRegexp('^Topic') } });
    expect(statementsOfRole(t, 'HandlerRole')).toContainEqual({ Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: expect.stringMatching(/^Topic/) } });
  });

  test('the function runs on an explicitly chosen Node.js runtime with its own log group', () => {
    const stack = newStack();
    minimal(stack);
    const t = template(stack);
    t.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('HandlerLogs') } },
    });
    t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });

  test('each stack has its own orchestrator', () => {
    const app = new App();
    const a = new Stack(app, 'A', { env: { account: ACCOUNT, region: REGION } });
    const b = new Stack(app, 'B', { env: { account: ACCOUNT, region: REGION } });
    minimal(a);
    new EventDataStoreImport(b, 'Import', { source: ImportSource.fromEventDataStoreArn(STORE_ARN.replace(STORE_ID, 'other')) });
    Template.fromStack(a).resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    Template.fromStack(b).resourceCountIs('AWS::StepFunctions::StateMachine', 1);
  });
});

describe('the import role', () => {
  test('trusts only cloudtrail.amazonaws.com', () => {
    const stack = newStack();
    minimal(stack);
    template(stack).hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' } }],
      },
    });
  });

  test('is allowed exactly the store, its log group under both spellings, and PutResourcePolicy', () => {
    const stack = newStack();
    minimal(stack);
    const statements = statementsOfRole(template(stack), 'ImportRole');
    expect(statements).toEqual([
      { Effect: 'Allow', Action: 'logs:PutResourcePolicy', Resource: '*' },
      { Effect: 'Allow', Action: 'cloudtrail:GetEventDataStoreData', Resource: STORE_ARN },
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogGroup', 'logs:CreateLogStream'],
        Resource: [
          logGroupArn(`aws/cloudtrail/${STORE_ID}`),
          logGroupArn(`aws/cloudtrail/${STORE_ID}:log-stream:*`),
          logGroupArn(`/aws/cloudtrail/${STORE_ID}`),
          logGroupArn(`/aws/cloudtrail/${STORE_ID}:log-stream:*`),
        ],
      },
    ]);
  });

  test('has no KMS statement when the store has no customer managed key', () => {
    const stack = newStack();
    minimal(stack);
    expect(JSON.stringify(allStatements(template(stack)))).not.toContain('kms:');
  });

  test('imports of the same store share its role; a new store gets a role of its own', () => {
    const declare = (stack: Stack) => {
      minimal(stack, 'First', { timeRange: RANGE_2024 });
      minimal(stack, 'Second', { timeRange: ImportTimeRange.between(new Date('2025-01-01T00:00:00Z'), new Date('2025-06-01T00:00:00Z')) });
      return stack;
    };
    const t1 = template(declare(newStack()));
    expect(statementsOfRole(t1, 'ImportRole')).toHaveLength(3);
    const stack = declare(newStack());
    new EventDataStoreImport(stack, 'Other', { source: ImportSource.fromEventDataStoreArn(STORE_ARN.replace(STORE_ID, 'other')) });
    const t = template(stack);
    expect(statementsOfRole(t, 'ImportRole')).toHaveLength(6);
    const roles = Object.values(t.findResources('Custom::EventDataStoreImport')).map((r) => JSON.stringify(r.Properties.ImportRoleArn));
    expect(new Set(roles).size).toBe(2);
  });

  test('many stores: one import role each, every policy under the managed-policy size limit', () => {
    const stack = newStack();
    for (let i = 0; i < 20; i++) {
      new EventDataStoreImport(stack, `Import${i}`, { source: ImportSource.fromEventDataStoreArn(STORE_ARN.replace(STORE_ID, `store-${i}`)) });
    }
    const t = template(stack);
    for (const policy of Object.values(t.findResources('AWS::IAM::ManagedPolicy'))) {
      // What IAM counts: the policy without whitespace, with ARNs resolved (the partition is at most 10 characters).
      const size = JSON.stringify(policy.Properties.PolicyDocument).replace(/\{"Ref":"AWS::Partition"\}/g, '"aws-us-gov"').length;
      expect(size).toBeLessThan(6144);
    }
    const roles = t.findResources('AWS::IAM::Role', {
      Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'cloudtrail.amazonaws.com' } })] } },
    });
    expect(Object.keys(roles).length).toBe(20);
  });

  test('a role you bring is used as it is: no import role is created and yours is not changed', () => {
    const stack = newStack();
    const mine = new iam.Role(stack, 'Mine', { assumedBy: new iam.ServicePrincipal('cloudtrail.amazonaws.com') });
    const imp = minimal(stack, 'Import', { role: mine });
    const t = template(stack);
    expect(imp.importRole).toBe(mine);
    t.hasResourceProperties('Custom::EventDataStoreImport', { ImportRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Mine'), 'Arn'] } });
    const cloudTrailRoles = t.findResources('AWS::IAM::Role', {
      Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'cloudtrail.amazonaws.com' } })] } },
    });
    expect(Object.keys(cloudTrailRoles)).toEqual([expect.stringMatching(/^Mine/)]);
    expect(statementsOfRole(t, 'Mine')).toEqual([]);
    t.resourceCountIs('AWS::IAM::Policy', 0); // managed policies only (NIST 800-53: no inline policies)
  });

  test('an imported role you bring is passed with iam:PassRole', () => {
    const stack = newStack();
    const mine = iam.Role.fromRoleArn(stack, 'Mine', `arn:aws:iam::${ACCOUNT}:role/import-role`);
    minimal(stack, 'Import', { role: mine });
    expect(allStatements(template(stack))).toContainEqual({
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: `arn:aws:iam::${ACCOUNT}:role/import-role`,
      Condition: { StringEqualsIfExists: { 'iam:PassedToService': ['cloudtrail.amazonaws.com', 'logs.amazonaws.com'] } },
      Sid: 'PassImportRole',
    });
  });
});

describe('the handler role', () => {
  function handlerStatements(stack: Stack) {
    return statementsOfRole(template(stack), 'HandlerRole');
  }

  test('may call the four import actions, on * (they have no resource type)', () => {
    const stack = newStack();
    minimal(stack);
    expect(handlerStatements(stack)).toContainEqual({
      Effect: 'Allow',
      Action: ['logs:CreateImportTask', 'logs:DescribeImportTasks', 'logs:DescribeImportTaskBatches', 'logs:CancelImportTask'],
      Resource: '*',
    });
  });

  test('may pass only the stack\'s import roles (their own IAM path), under a condition that cannot deny every import (IfExists, both service values)', () => {
    const stack = newStack();
    minimal(stack);
    minimal(stack, 'Other', { source: ImportSource.fromEventDataStoreArn(STORE_ARN.replace(STORE_ID, 'other-store')) });
    const t = template(stack);
    const paths = Object.values(t.findResources('AWS::IAM::Role', { Properties: { AssumeRolePolicyDocument: { Statement: [{ Principal: { Service: 'cloudtrail.amazonaws.com' } }] } } }))
      .map((r) => r.Properties.Path);
    expect(paths).toHaveLength(2);
    expect(new Set(paths).size).toBe(1);
    expect(paths[0]).toMatch(/^\/cdk-eventdatastore-import\/[0-9A-F]{8}\/$/);
    // One statement for every store: the path, not one role ARN per store.
    const passRole = handlerStatements(stack).filter((s) => s.Action === 'iam:PassRole');
    expect(passRole).toEqual([{
      Sid: 'PassImportRole',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${ACCOUNT}:role${paths[0]}*`]] },
      Condition: { StringEqualsIfExists: { 'iam:PassedToService': ['cloudtrail.amazonaws.com', 'logs.amazonaws.com'] } },
    }]);
  });

  test('the import roles\' path is the stack\'s own: another stack of the app gets another', () => {
    const pathOf = (name: string) => {
      const stack = newStack(name);
      minimal(stack);
      return Object.values(template(stack).findResources('AWS::IAM::Role')).map((r) => r.Properties.Path).find((p) => p !== undefined);
    };
    expect(pathOf('First')).not.toEqual(pathOf('Second'));
  });

  test('may read the store (the caller of CreateImportTask must) and its retention (checked on Create)', () => {
    const stack = newStack();
    minimal(stack);
    expect(handlerStatements(stack)).toContainEqual({ Effect: 'Allow', Action: ['cloudtrail:GetEventDataStoreData', 'cloudtrail:GetEventDataStore'], Resource: STORE_ARN });
  });

  test('writes its own logs, and has no other wildcard', () => {
    const stack = newStack();
    minimal(stack);
    const statements = handlerStatements(stack);
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/HandlerLogs/), 'Arn'] },
    });
    const wildcards = statements.filter((s) => JSON.stringify(s.Resource).includes('*'));
    expect(wildcards.map((s) => s.Action)).toEqual([
      ['logs:CreateImportTask', 'logs:DescribeImportTasks', 'logs:DescribeImportTaskBatches', 'logs:CancelImportTask'],
      // The stack's own import roles, by their path.
      'iam:PassRole',
      // The executions of its own state machine.
      ['states:DescribeExecution', 'states:StopExecution'],
    ]);
  });

  test('gets logs:DeleteLogGroup on the destination log group only under DESTROY', () => {
    const retained = newStack();
    minimal(retained);
    expect(JSON.stringify(allStatements(template(retained)))).not.toContain('logs:DeleteLogGroup');

    const destroyed = newStack();
    minimal(destroyed, 'Import', { removalPolicy: RemovalPolicy.DESTROY });
    expect(handlerStatements(destroyed)).toContainEqual({
      Effect: 'Allow',
      Action: 'logs:DeleteLogGroup',
      // Both spellings of the name (aws/cloudtrail/<id> and /aws/cloudtrail/<id>) and both ARN forms (<name>, <name>:*), in one resource.
      Resource: logGroupArn(`*aws/cloudtrail/${STORE_ID}*`),
    });
  });

  test('many DESTROY imports stay within IAM\'s 10 managed policies per role', () => {
    const stack = newStack();
    for (let i = 0; i < 100; i++) {
      new EventDataStoreImport(stack, `Import${i}`, {
        source: ImportSource.fromEventDataStoreArn(STORE_ARN.replace(STORE_ID, `store-${i}`)),
        removalPolicy: RemovalPolicy.DESTROY,
      });
    }
    const t = template(stack);
    const attached = new Map<string, number>();
    for (const policy of Object.values(t.findResources('AWS::IAM::ManagedPolicy'))) {
      for (const role of policy.Properties.Roles ?? []) attached.set(JSON.stringify(role), (attached.get(JSON.stringify(role)) ?? 0) + 1);
    }
    expect(Math.max(...attached.values())).toBeLessThanOrEqual(10);
  });
});

describe('KMS', () => {
  const keyArn = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

  function storeWithKey(stack: Stack, kmsKeyId?: string) {
    return new cloudtrail.CfnEventDataStore(stack, 'Store', { kmsKeyId });
  }

  function kmsStatements(stack: Stack, role: string) {
    return statementsOfRole(template(stack), role).filter((s) => JSON.stringify(s.Action).includes('kms:'));
  }

  test.each([
    ['a key ID', '1234abcd-12ab-34cd-56ef-1234567890ab', { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`]] }],
    ['a multi-Region key ID', 'mrk-1234abcd12ab34cd56ef1234567890ab', { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:kms:${REGION}:${ACCOUNT}:key/mrk-1234abcd12ab34cd56ef1234567890ab`]] }],
    ['a key ARN', keyArn, keyArn],
  ])('%s in the store grants Decrypt and GenerateDataKey on that key, to both roles', (_name, kmsKeyId, resource) => {
    const stack = newStack();
    new EventDataStoreImport(stack, 'Import', { source: ImportSource.fromEventDataStore(storeWithKey(stack, kmsKeyId)) });
    const expected = [{ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: resource }];
    expect(kmsStatements(stack, 'ImportRole')).toEqual(expected);
    expect(kmsStatements(stack, 'HandlerRole')).toEqual(expected);
  });

  test.each([
    ['an alias name', 'alias/cloudtrail-lake', { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:kms:${REGION}:${ACCOUNT}:key/*`]] }],
    ['an alias ARN', `arn:aws:kms:${REGION}:${ACCOUNT}:alias/cloudtrail-lake`, `arn:aws:kms:${REGION}:${ACCOUNT}:key/*`],
  ])('%s grants on the keys that carry the alias (kms:ResourceAliases)', (_name, kmsKeyId, resource) => {
    const stack = newStack();
    new EventDataStoreImport(stack, 'Import', { source: ImportSource.fromEventDataStore(storeWithKey(stack, kmsKeyId)) });
    expect(kmsStatements(stack, 'ImportRole')).toEqual([{
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: resource,
      Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/cloudtrail-lake' } },
    }]);
  });

  test.each([
    ['keyArn', (key: kms.Key) => key.keyArn],
    ['keyId', (key: kms.Key) => key.keyId],
  ])('a kms.Key of the app (by %s) is granted by ARN, and its key policy lets CloudTrail use it', (_name, reference) => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key');
    new EventDataStoreImport(stack, 'Import', { source: ImportSource.fromEventDataStore(storeWithKey(stack, reference(key))) });
    const t = template(stack);
    const expected = [{ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] } }];
    expect(kmsStatements(stack, 'ImportRole')).toEqual(expected);
    t.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([{
          Sid: 'AllowCloudTrailToReadForCloudWatchLogsImport',
          Effect: 'Allow',
          Principal: { Service: 'cloudtrail.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          Resource: '*',
        }]),
      },
    });
    expect(warnings(stack)).toEqual([]);
  });

  test('two imports of one key add its key policy statements once: use (Decrypt, GenerateDataKey) and DescribeKey, which CloudTrail requires', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key');
    const store = new cloudtrail.CfnEventDataStore(stack, 'Store', { kmsKeyId: key.keyArn, retentionPeriod: 3653 });
    new EventDataStoreImport(stack, 'A', { source: ImportSource.fromEventDataStore(store), timeRange: RANGE_2024 });
    new EventDataStoreImport(stack, 'B', { source: ImportSource.fromEventDataStore(store, { encryptionKey: key }), timeRange: ImportTimeRange.lookback(Duration.days(30)) });
    const [keyResource] = Object.values(template(stack).findResources('AWS::KMS::Key'));
    const cloudTrail = keyResource.Properties.KeyPolicy.Statement.filter((s: any) => s.Principal?.Service === 'cloudtrail.amazonaws.com');
    expect(cloudTrail.map((s: any) => s.Action)).toEqual([['kms:Decrypt', 'kms:GenerateDataKey'], 'kms:DescribeKey']);
  });

  test('an encryptionKey given with an ARN source is granted', () => {
    const stack = newStack();
    const key = kms.Key.fromKeyArn(stack, 'Key', keyArn);
    new EventDataStoreImport(stack, 'Import', { source: ImportSource.fromEventDataStoreArn(STORE_ARN, { encryptionKey: key }) });
    expect(kmsStatements(stack, 'ImportRole')).toEqual([{ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: keyArn }]);
  });

  test('an alias of the app is followed to its key', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key');
    const alias = key.addAlias('alias/lake');
    new EventDataStoreImport(stack, 'Import', { source: ImportSource.fromEventDataStoreArn(STORE_ARN, { encryptionKey: alias }) });
    expect(kmsStatements(stack, 'ImportRole')).toEqual([{ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] } }]);
  });

  /** The key's ARN as granted, and the CloudTrail statements of its key policy. */
  function grantsAndKeyPolicy(stack: Stack) {
    const [[keyId, keyResource]] = Object.entries<any>(template(stack).findResources('AWS::KMS::Key'));
    return {
      keyId,
      importRole: kmsStatements(stack, 'ImportRole').map((s) => s.Resource),
      handlerRole: kmsStatements(stack, 'HandlerRole').map((s) => s.Resource),
      conditions: [...kmsStatements(stack, 'ImportRole'), ...kmsStatements(stack, 'HandlerRole')].map((s) => s.Condition).filter((c) => c),
      keyPolicy: keyResource.Properties.KeyPolicy.Statement.filter((s: any) => s.Principal?.Service === 'cloudtrail.amazonaws.com').map((s: any) => s.Sid),
    };
  }

  test.each([
    ['aliasName', (alias: kms.Alias) => alias.aliasName],
    ['aliasArn', (alias: kms.Alias) => alias.aliasArn],
    ['a Ref to its AWS::KMS::Alias', (alias: kms.Alias) => (alias.node.defaultChild as kms.CfnAlias).ref],
    ['an ARN built from its name', (alias: kms.Alias) => `arn:aws:kms:${REGION}:${ACCOUNT}:${alias.aliasName}`],
    ['its literal name, in the same stack', () => 'alias/lake'],
  ])('a kms.Alias of the app as the store\'s kmsKeyId (%s): the grants and the key policy statements are its key\'s', (_name, reference) => {
    const stack = newStack();
    const alias = new kms.Alias(stack, 'Alias', { aliasName: 'alias/lake', targetKey: new kms.Key(stack, 'Key') });
    new EventDataStoreImport(stack, 'Import', { source: ImportSource.fromEventDataStore(storeWithKey(stack, reference(alias))) });
    const { keyId, importRole, handlerRole, conditions, keyPolicy } = grantsAndKeyPolicy(stack);
    expect(importRole).toEqual([{ 'Fn::GetAtt': [keyId, 'Arn'] }]);
    expect(handlerRole).toEqual([{ 'Fn::GetAtt': [keyId, 'Arn'] }]);
    expect(conditions).toEqual([]);
    expect(keyPolicy).toEqual(['AllowCloudTrailToReadForCloudWatchLogsImport', 'AllowCloudTrailToDescribeKeyForEventDataStore']);
    expect(warnings(stack)).toEqual([]);
  });

  test('key.addAlias() of the app, in the store of a CloudTrailLakeMigration, is followed to the key', () => {
    const stack = newStack();
    const alias = new kms.Key(stack, 'Key').addAlias('alias/lake');
    const store = storeWithKey(stack, alias.aliasArn);
    new CloudTrailLakeMigration(stack, 'Migration', { stores: [MigrationSource.fromEventDataStore(store)] });
    const { keyId, importRole, keyPolicy } = grantsAndKeyPolicy(stack);
    expect(importRole).toEqual([{ 'Fn::GetAtt': [keyId, 'Arn'] }]);
    expect(keyPolicy).toEqual(['AllowCloudTrailToReadForCloudWatchLogsImport', 'AllowCloudTrailToDescribeKeyForEventDataStore']);
  });

  test('an AWS::KMS::Alias of the app (L1) is followed to the key its targetKeyId names', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key');
    const cfnAlias = new kms.CfnAlias(stack, 'Alias', { aliasName: 'alias/lake', targetKeyId: key.keyArn });
    new EventDataStoreImport(stack, 'Import', { source: ImportSource.fromEventDataStore(storeWithKey(stack, cfnAlias.ref)) });
    const { keyId, importRole, keyPolicy } = grantsAndKeyPolicy(stack);
    expect(importRole).toEqual([{ 'Fn::GetAtt': [keyId, 'Arn'] }]);
    expect(keyPolicy).toHaveLength(2);
  });

  test('an AWS::KMS::Alias of the app whose key cannot be traced is refused, naming encryptionKey', () => {
    const stack = newStack();
    const cfnAlias = new kms.CfnAlias(stack, 'Alias', { aliasName: 'alias/lake', targetKeyId: new CfnParameter(stack, 'KeyId').valueAsString });
    expect(() => new EventDataStoreImport(stack, 'Import', { source: ImportSource.fromEventDataStore(storeWithKey(stack, cfnAlias.ref)) }))
      .toThrow(/^kmsKeyId of the event data store names the alias Stack\/Alias of this app, whose targetKeyId is a token the construct cannot trace to a key of the app \(a parameter or an import\).*Pass the key as encryptionKey: ImportSource\.fromEventDataStore\(store, \{ encryptionKey: key \}\)/);
  });

  test('...unless the key is given as encryptionKey', () => {
    const stack = newStack();
    const key = kms.Key.fromKeyArn(stack, 'Key', keyArn);
    const cfnAlias = new kms.CfnAlias(stack, 'Alias', { aliasName: 'alias/lake', targetKeyId: new CfnParameter(stack, 'KeyId').valueAsString });
    new EventDataStoreImport(stack, 'Import', { source: ImportSource.fromEventDataStore(storeWithKey(stack, cfnAlias.ref), { encryptionKey: key }) });
    expect(kmsStatements(stack, 'ImportRole').map((s) => s.Resource)).toEqual([keyArn]);
  });

  test('a literal alias name of an alias in another account\'s stack is not taken for it', () => {
    const app = new App();
    const other = new Stack(app, 'Other', { env: { account: '222222222222', region: REGION } });
    new kms.Alias(other, 'Alias', { aliasName: 'alias/lake', targetKey: new kms.Key(other, 'Key') });
    const stack = new Stack(app, 'Stack', { env: { account: ACCOUNT, region: REGION } });
    new EventDataStoreImport(stack, 'Import', { source: ImportSource.fromEventDataStore(storeWithKey(stack, 'alias/lake')) });
    expect(kmsStatements(stack, 'ImportRole')[0].Condition).toEqual({ 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/lake' } });
  });

  test('an alias imported by name is granted through kms:ResourceAliases', () => {
    const stack = newStack();
    const alias = kms.Alias.fromAliasName(stack, 'Alias', 'alias/lake');
    new EventDataStoreImport(stack, 'Import', { source: ImportSource.fromEventDataStoreArn(STORE_ARN, { encryptionKey: alias }) });
    expect(kmsStatements(stack, 'ImportRole')[0].Condition).toEqual({ 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/lake' } });
  });

  test('a kmsKeyId token that leads to no key of the app is taken as a key ARN, with a warning', () => {
    const stack = newStack();
    const keyParam = new CfnParameter(stack, 'KeyArn').valueAsString;
    new EventDataStoreImport(stack, 'Import', { source: ImportSource.fromEventDataStore(storeWithKey(stack, keyParam)) });
    expect(kmsStatements(stack, 'ImportRole')).toEqual([{ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: { Ref: 'KeyArn' } }]);
    expect(warnings(stack).join('\n')).toMatch(/taken to be a key ARN.*encryptionKey/);
  });

  test('a malformed kmsKeyId is an error that names it', () => {
    const stack = newStack();
    expect(() => new EventDataStoreImport(stack, 'Import', { source: ImportSource.fromEventDataStore(storeWithKey(stack, 'not a key!')) }))
      .toThrow('kmsKeyId of the event data store must be a KMS key ID, key ARN, alias name or alias ARN, got "not a key!"');
  });
});

describe('the store from a CfnEventDataStore', () => {
  test('its ARN attribute is the source', () => {
    const stack = newStack();
    const store = new cloudtrail.CfnEventDataStore(stack, 'Store', {});
    new EventDataStoreImport(stack, 'Import', { source: ImportSource.fromEventDataStore(store) });
    template(stack).hasResourceProperties('Custom::EventDataStoreImport', { ImportSourceArn: { 'Fn::GetAtt': ['Store', 'EventDataStoreArn'] } });
  });

  test('its retention period bounds the time range', () => {
    const stack = newStack();
    const store = new cloudtrail.CfnEventDataStore(stack, 'Store', { retentionPeriod: 30 });
    expect(() => new EventDataStoreImport(stack, 'Import', { source: ImportSource.fromEventDataStore(store), timeRange: ImportTimeRange.lookback(Duration.days(90)) }))
      .toThrow("timeRange: ImportTimeRange.lookback(90 days) reaches further back than the store's retention period of 30 days; use at most Duration.days(30)");
  });

  test('the default retention follows the billing mode', () => {
    const extendable = newStack();
    const store = new cloudtrail.CfnEventDataStore(extendable, 'Store', {});
    expect(() => new EventDataStoreImport(extendable, 'Import', { source: ImportSource.fromEventDataStore(store), timeRange: ImportTimeRange.lookback(Duration.days(400)) }))
      .toThrow(/retention period of 366 days/);

    const fixed = newStack();
    const fixedStore = new cloudtrail.CfnEventDataStore(fixed, 'Store', { billingMode: 'FIXED_RETENTION_PRICING' });
    expect(() => new EventDataStoreImport(fixed, 'Import', { source: ImportSource.fromEventDataStore(fixedStore), timeRange: ImportTimeRange.lookback(Duration.days(400)) }))
      .not.toThrow();
  });
});

describe('synth-time validation', () => {
  test.each([
    'arn:aws:cloudtrail:us-east-1:111111111111:trail/my-trail',
    'arn:aws:cloudtrail:us-east-1:1111:eventdatastore/abc',
    'eventdatastore/abc',
    '',
  ])('a malformed event data store ARN is an error: %j', (arn) => {
    const stack = newStack();
    expect(() => new EventDataStoreImport(stack, 'Import', { source: ImportSource.fromEventDataStoreArn(arn) }))
      .toThrow(`source: ${JSON.stringify(arn)} is not an event data store ARN; expected arn:<partition>:cloudtrail:<region>:<12-digit account>:eventdatastore/<id>`);
  });

  test('a store in another region is an error (imports are regional)', () => {
    const stack = newStack();
    expect(() => new EventDataStoreImport(stack, 'Import', { source: ImportSource.fromEventDataStoreArn(STORE_ARN.replace(REGION, 'eu-west-1')) }))
      .toThrow('source: the event data store is in region eu-west-1 but the stack Stack is in us-east-1; imports are regional, so put the import in a stack in eu-west-1');
  });

  test('a store in another account is an error', () => {
    const stack = newStack();
    expect(() => new EventDataStoreImport(stack, 'Import', { source: ImportSource.fromEventDataStoreArn(STORE_ARN.replace(ACCOUNT, '222222222222')) }))
      .toThrow('source: the event data store is in account 222222222222 but the stack Stack is in 111111111111; an import reads a store of its own account, so deploy it to 222222222222');
  });

  test('an environment-agnostic stack accepts a store of any region and account', () => {
    const stack = new Stack(new App(), 'Agnostic');
    expect(() => minimal(stack)).not.toThrow();
  });

  test('an ARN token is accepted as it is', () => {
    const stack = newStack();
    const arn = new CfnParameter(stack, 'StoreArn').valueAsString;
    expect(() => new EventDataStoreImport(stack, 'Import', { source: ImportSource.fromEventDataStoreArn(arn) })).not.toThrow();
    expect(Token.isUnresolved(arn)).toBe(true);
  });

  test('start after end is an error that shows both', () => {
    const stack = newStack();
    expect(() => minimal(stack, 'Import', { timeRange: ImportTimeRange.between(new Date('2025-01-01T00:00:00Z'), new Date('2024-01-01T00:00:00Z')) }))
      .toThrow('timeRange: start (2025-01-01T00:00:00.000Z) must not be after end (2024-01-01T00:00:00.000Z) in ImportTimeRange.between(2025-01-01T00:00:00.000Z, 2024-01-01T00:00:00.000Z)');
  });

  test('a negative time is an error', () => {
    const stack = newStack();
    expect(() => minimal(stack, 'Import', { timeRange: ImportTimeRange.fromEpochMillis(-5, 1000) }))
      .toThrow('timeRange: start must be a whole number of milliseconds since the epoch, >= 0, got -5 in ImportTimeRange.fromEpochMillis(-5, 1000)');
  });

  test('an invalid date is an error', () => {
    const stack = newStack();
    expect(() => minimal(stack, 'Import', { timeRange: ImportTimeRange.between(new Date('nonsense'), new Date('2024-01-01T00:00:00Z')) }))
      .toThrow(/^timeRange: start is an invalid Date in ImportTimeRange.between\(Invalid Date, /);
  });

  test('a zero lookback is an error', () => {
    const stack = newStack();
    expect(() => minimal(stack, 'Import', { timeRange: ImportTimeRange.lookback(Duration.days(0)) }))
      .toThrow('timeRange: the lookback must be longer than zero, got ImportTimeRange.lookback(0 days)');
  });

  test('a window longer than a known retention period is an error (it can never fit)', () => {
    const stack = newStack();
    const source = ImportSource.fromEventDataStoreArn(STORE_ARN, { retentionPeriod: Duration.days(7) });
    expect(() => new EventDataStoreImport(stack, 'Import', { source, timeRange: RANGE_2024 }))
      .toThrow(/^timeRange: ImportTimeRange.between\(2024-01-01T00:00:00.000Z, 2025-01-01T00:00:00.000Z\) spans 366 days 1 millisecond, longer than the store's retention period of 7 days/);
  });

  test('an end in the future is a warning', () => {
    const stack = newStack();
    minimal(stack, 'Import', { timeRange: ImportTimeRange.between(new Date('2025-01-01T00:00:00Z'), new Date('2999-01-01T00:00:00Z')) });
    expect(warnings(stack).join('\n')).toContain('timeRange: end (2999-01-01T00:00:00.000Z) is in the future');
  });

  test('a start before 2023 is a warning (AWS says such data cannot be migrated)', () => {
    const stack = newStack();
    minimal(stack, 'Import', { timeRange: ImportTimeRange.between(new Date('2022-06-01T00:00:00Z'), new Date('2023-06-01T00:00:00Z')) });
    expect(warnings(stack).join('\n')).toContain('timeRange: start (2022-06-01T00:00:00.000Z) is before 2023-01-01');
  });

  test('more than 3 imports for one account and region in an app is a warning naming the limit', () => {
    const app = new App();
    const one = new Stack(app, 'One', { env: { account: ACCOUNT, region: REGION } });
    const two = new Stack(app, 'Two', { env: { account: ACCOUNT, region: REGION } });
    const store = (n: string) => ({ source: ImportSource.fromEventDataStoreArn(STORE_ARN.replace(STORE_ID, `store-${n}`)) });
    new EventDataStoreImport(one, 'A', store('a'));
    new EventDataStoreImport(one, 'B', store('b'));
    new EventDataStoreImport(two, 'C', store('c'));
    new EventDataStoreImport(two, 'D', store('d'));
    expect(warnings(one).join('\n')).toContain(`this app declares 4 imports for account ${ACCOUNT} in ${REGION} (One/A, One/B, Two/C, Two/D); CloudWatch Logs runs at most 3 imports per account at a time`);
  });

  test('imports in other regions do not count towards the limit', () => {
    const app = new App();
    for (const region of ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1']) {
      const stack = new Stack(app, region, { env: { account: ACCOUNT, region } });
      new EventDataStoreImport(stack, 'Import', { source: ImportSource.fromEventDataStoreArn(STORE_ARN.replace(REGION, region)) });
      expect(warnings(stack)).toEqual([]);
    }
  });

  test('two imports of the same store and window are an error (they would import the same events twice)', () => {
    const stack = newStack();
    minimal(stack, 'A', { timeRange: RANGE_2024 });
    expect(() => minimal(stack, 'B', { timeRange: RANGE_2024 }))
      .toThrow('timeRange: Stack/B imports the same store with the same time range as Stack/A; both would write the same events into the same log group.');
  });

  test('overlapping windows of the same store are a warning; adjacent ones are fine', () => {
    const stack = newStack();
    minimal(stack, 'A', { timeRange: RANGE_2024 });
    minimal(stack, 'B', { timeRange: ImportTimeRange.between(new Date('2025-01-01T00:00:01Z'), new Date('2025-06-01T00:00:00Z')) });
    expect(warnings(stack)).toEqual([]);
    minimal(stack, 'C', { timeRange: ImportTimeRange.between(new Date('2024-06-01T00:00:00Z'), new Date('2024-07-01T00:00:00Z')) });
    expect(warnings(stack).join('\n')).toContain('timeRange overlaps that of Stack/A, which imports the same store into the same log group');
  });

  test.each([RemovalPolicy.SNAPSHOT, RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE])('removalPolicy %s is an error', (policy) => {
    const stack = newStack();
    expect(() => minimal(stack, 'Import', { removalPolicy: policy }))
      .toThrow(`removalPolicy must be RemovalPolicy.RETAIN or RemovalPolicy.DESTROY, got ${policy}`);
  });

  test.each([
    [{ waitForCompletion: true, completionTimeout: Duration.minutes(56) }, 'completionTimeout must be between 1 minute and 55 minutes (CloudFormation waits at most an hour for a custom resource), got 56 minutes'],
    [{ waitForCompletion: true, completionTimeout: Duration.seconds(30) }, 'completionTimeout must be between 1 minute and 55 minutes (CloudFormation waits at most an hour for a custom resource), got 30 seconds'],
  ])('a timeout outside CloudFormation\'s hour is an error: %o', (props, message) => {
    const stack = newStack();
    expect(() => minimal(stack, 'Import', props)).toThrow(message);
  });

  test('a timeout for the other mode is a warning that it is ignored', () => {
    const stack = newStack();
    minimal(stack, 'Import', { completionTimeout: Duration.minutes(20) });
    expect(warnings(stack).join('\n')).toContain('completionTimeout is ignored without waitForCompletion');
  });

  test('a valid import has no warnings', () => {
    const stack = newStack();
    minimal(stack, 'Import', { timeRange: RANGE_2024 });
    expect(warnings(stack)).toEqual([]);
  });
});

describe('determinism', () => {
  function synth() {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key');
    const store = new cloudtrail.CfnEventDataStore(stack, 'Store', { kmsKeyId: key.keyArn });
    new EventDataStoreImport(stack, 'Lookback', { source: ImportSource.fromEventDataStore(store), timeRange: ImportTimeRange.lookback(Duration.days(30)) });
    new EventDataStoreImport(stack, 'Fixed', { source: ImportSource.fromEventDataStoreArn(STORE_ARN), timeRange: RANGE_2024, waitForCompletion: true, removalPolicy: RemovalPolicy.DESTROY });
    return JSON.stringify(template(stack).toJSON());
  }

  test('two synths of the same app are byte-identical', () => {
    expect(synth()).toEqual(synth());
  });
});
