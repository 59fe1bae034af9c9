import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ACCOUNT, OTHER_STORE_ARN, REGION, STORE_ARN, strictHandlerOptions } from './configurations';
import { EventDataStoreImport, ImportHandlerOptions, ImportSource, ImportTimeRange } from '../../src';

function newStack(): Stack {
  return new Stack(new App(), 'ImportStack', { env: { account: ACCOUNT, region: REGION } });
}

function addImport(stack: Stack, id: string, handler?: ImportHandlerOptions, arn = STORE_ARN): EventDataStoreImport {
  return new EventDataStoreImport(stack, id, { source: ImportSource.fromEventDataStoreArn(arn), handler });
}

/** A distinct store per import (imports of one store with one time range are rejected). */
function store(i: number): string {
  return `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:eventdatastore/00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
}

function importedVpc(stack: Stack, id = 'Vpc'): ec2.IVpc {
  return ec2.Vpc.fromVpcAttributes(stack, id, {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    privateSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
  });
}

/** Every Ref, Fn::GetAtt and DependsOn edge of the template; throws on a cycle or a dangling reference. */
function assertAcyclic(template: any): void {
  const resources = template.Resources as Record<string, any>;
  const edges = new Map<string, Set<string>>();
  const collect = (value: any, into: Set<string>): void => {
    if (Array.isArray(value)) {
      value.forEach((v) => collect(v, into));
    } else if (value && typeof value === 'object') {
      if (typeof value.Ref === 'string' && !value.Ref.startsWith('AWS::')) into.add(value.Ref);
      if (Array.isArray(value['Fn::GetAtt'])) into.add(value['Fn::GetAtt'][0]);
      Object.values(value).forEach((v) => collect(v, into));
    }
  };
  for (const [id, r] of Object.entries(resources)) {
    const targets = new Set<string>([].concat(r.DependsOn ?? []));
    collect(r.Properties, targets);
    for (const t of targets) {
      if (!(t in resources) && !(t in (template.Parameters ?? {}))) throw new Error(`${id} refers to missing ${t}`);
    }
    edges.set(id, new Set([...targets].filter((t) => t in resources)));
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, trail: string[]): void => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') throw new Error(`dependency cycle: ${[...trail, id].join(' -> ')}`);
    state.set(id, 'visiting');
    edges.get(id)!.forEach((t) => visit(t, [...trail, id]));
    state.set(id, 'done');
  };
  Object.keys(resources).forEach((id) => visit(id, []));
}

/** Resources of the type whose logical ID matches. */
function idsOf(template: Template, type: string, pattern: RegExp): string[] {
  return Object.keys(template.findResources(type)).filter((id) => pattern.test(id));
}

describe('defaults (no handler options)', () => {
  const stack = newStack();
  addImport(stack, 'First');
  addImport(stack, 'Second', undefined, OTHER_STORE_ARN);
  const template = Template.fromStack(stack);

  test('one function per stack: the custom resources\' ServiceToken and the state machine\'s steps', () => {
    const functions = Object.keys(template.findResources('AWS::Lambda::Function'));
    expect(functions).toEqual([expect.stringMatching(/^cdkeventdatastoreimportOrchestratorHandler[0-9A-F]{8}$/)]);
    const [handlerId] = functions;
    for (const resource of Object.values<any>(template.findResources('Custom::EventDataStoreImport'))) {
      expect(resource.Properties.ServiceToken).toEqual({ 'Fn::GetAtt': [handlerId, 'Arn'] });
    }
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    const [machine] = Object.values<any>(template.findResources('AWS::StepFunctions::StateMachine'));
    expect(JSON.stringify(machine.Properties.DefinitionString)).toContain(`"Fn::GetAtt":["${handlerId}","Arn"]`);
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
  });

  test('no inline policies anywhere: every statement is in a managed policy', () => {
    template.resourceCountIs('AWS::IAM::Policy', 0);
    for (const role of Object.values<any>(template.findResources('AWS::IAM::Role'))) {
      expect(role.Properties.Policies).toBeUndefined();
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  test('roles: the function\'s, the state machine\'s, and one import role per event data store (trusting CloudTrail only)', () => {
    expect(Object.keys(template.findResources('AWS::IAM::Role')).sort()).toEqual([
      expect.stringMatching(/^cdkeventdatastoreimportOrchestratorHandlerRole/),
      expect.stringMatching(/^cdkeventdatastoreimportOrchestratorImportRole[0-9A-F]{8}Role/),
      expect.stringMatching(/^cdkeventdatastoreimportOrchestratorImportRole[0-9A-F]{8}Role/),
      expect.stringMatching(/^cdkeventdatastoreimportOrchestratorStateMachineRole/),
    ]);
    for (const id of idsOf(template, 'AWS::IAM::Role', /ImportRole[0-9A-F]{8}Role/)) {
      expect(template.toJSON().Resources[id].Properties.AssumeRolePolicyDocument.Statement)
        .toEqual([expect.objectContaining({ Principal: { Service: 'cloudtrail.amazonaws.com' } })]);
    }
  });

  test('the function runs outside any VPC, without reserved concurrency', () => {
    for (const fn of Object.values<any>(template.findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties.VpcConfig).toBeUndefined();
      expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
    }
  });

  test('each import waits for (and outlives) the function\'s policies, its store\'s import role policy, the state machine and the ledger', () => {
    // The function stands for its role's policy chunks: it depends on each of them.
    const [functionId] = Object.keys(template.findResources('AWS::Lambda::Function'));
    const chunks = idsOf(template, 'AWS::IAM::ManagedPolicy', /^cdkeventdatastoreimportOrchestratorHandlerPolicy/);
    expect(template.toJSON().Resources[functionId].DependsOn).toEqual(expect.arrayContaining(chunks));
    const shared = [
      functionId,
      ...idsOf(template, 'AWS::IAM::ManagedPolicy', /^cdkeventdatastoreimportOrchestratorOrchestrationPolicy/),
      ...Object.keys(template.findResources('AWS::StepFunctions::StateMachine')),
      ...Object.keys(template.findResources('AWS::DynamoDB::Table')),
    ];
    expect(shared).toHaveLength(4);
    const imports = Object.values<any>(template.findResources('Custom::EventDataStoreImport'));
    expect(imports).toHaveLength(2);
    const rolePolicies = imports.map((resource) => {
      expect(resource.DependsOn).toEqual(expect.arrayContaining(shared));
      const own = resource.DependsOn.filter((id: string) => /ImportRole[0-9A-F]{8}Policy/.test(id));
      expect(own).toHaveLength(1);
      return own[0];
    });
    // Each store its own role, and so its own policy.
    expect(new Set(rolePolicies).size).toBe(2);
  });

  test('two log groups (the function\'s and the state machine\'s), kept a year, with CloudWatch Logs\' own encryption', () => {
    const groups = Object.values<any>(template.findResources('AWS::Logs::LogGroup'));
    expect(groups).toHaveLength(2);
    for (const g of groups) {
      expect(g.Properties.RetentionInDays).toBe(365);
      expect(g.Properties.KmsKeyId).toBeUndefined();
    }
  });

  test('the ledger: on demand, point-in-time recovery, retained, encrypted with DynamoDB\'s AWS managed key', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
      },
    });
  });

  test('the orchestrator state machine (Standard) logs everything (without execution data) and is traced with X-Ray', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: false,
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('StateMachineLogs'), 'Arn'] } } }],
      },
      TracingConfiguration: { Enabled: true },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: { 'Fn::Join': ['', [Match.stringLikeRegexp('^/aws/vendedlogs/states/'), Match.anyValue()]] },
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: Match.stringLikeRegexp('StateMachineRole') }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['xray:PutTraceSegments']), Resource: '*' })]) },
    });
  });

  test('the state machine waits for its role\'s managed policy (logging is checked when it is created)', () => {
    const [machine] = Object.values<any>(template.findResources('AWS::StepFunctions::StateMachine'));
    const [machinePolicyId] = Object.keys(template.findResources('AWS::IAM::ManagedPolicy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('StateMachineRole') }] } }));
    expect(machine.DependsOn).toContain(machinePolicyId);
  });

  test('the function may read only this stack, by its ID', () => {
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: ['cloudformation:DescribeStacks', 'cloudformation:DescribeStackResource'],
          Resource: { Ref: 'AWS::StackId' },
        })]),
      },
    });
  });

  test('the template has no dependency cycle and no dangling reference', () => {
    expect(() => assertAcyclic(template.toJSON())).not.toThrow();
  });
});

describe('additional imports stay cheap', () => {
  const count = (stores: number[], removalPolicy?: RemovalPolicy) => {
    const stack = newStack();
    stores.forEach((s, i) => {
      new EventDataStoreImport(stack, `Import${i}`, {
        source: ImportSource.fromEventDataStoreArn(store(s)),
        // A store imported more than once: each import its own window.
        timeRange: ImportTimeRange.fromEpochMillis(Date.UTC(2024, 0, 1 + i), Date.UTC(2024, 0, 2 + i)),
        removalPolicy,
        handler: { logRetention: logs.RetentionDays.ONE_YEAR },
      });
    });
    return Object.keys(Template.fromStack(stack).toJSON().Resources).length;
  };

  test('another import of a store already imported: one resource, also under RemovalPolicy.DESTROY (its permission joins the shared policies)', () => {
    expect(count([0, 1, 1]) - count([0, 1])).toBe(1);
    expect(count([0, 1, 1], RemovalPolicy.DESTROY) - count([0, 1], RemovalPolicy.DESTROY)).toBe(1);
  });

  test('an import of another store: its resource and that store\'s import role and managed policy', () => {
    expect(count([0, 1, 2]) - count([0, 1])).toBe(3);
    expect(count([0, 1, 2], RemovalPolicy.DESTROY) - count([0, 1], RemovalPolicy.DESTROY)).toBe(3);
  });
});

describe('a strict organisation\'s handler options', () => {
  const stack = newStack();
  const handler = strictHandlerOptions(stack);
  addImport(stack, 'Import', handler);
  new EventDataStoreImport(stack, 'Destroyed', { source: ImportSource.fromEventDataStoreArn(OTHER_STORE_ARN), removalPolicy: RemovalPolicy.DESTROY, handler });
  const template = Template.fromStack(stack);
  const functions = Object.values<any>(template.findResources('AWS::Lambda::Function'));

  test('the function runs in the VPC, with one security group that allows outbound HTTPS only', () => {
    template.resourceCountIs('AWS::EC2::SecurityGroup', 1);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      VpcId: 'vpc-0123456789abcdef0',
      SecurityGroupEgress: [{ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Description: Match.anyValue() }],
    });
    expect(functions).toHaveLength(1);
    for (const fn of functions) {
      expect(fn.Properties.VpcConfig).toEqual({
        SubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
        SecurityGroupIds: [{ 'Fn::GetAtt': [expect.stringMatching(/OrchestratorSecurityGroup/), 'GroupId'] }],
      });
    }
  });

  test('the function\'s role may manage its network interfaces, in a managed policy', () => {
    const eniPolicies = Object.entries<any>(template.findResources('AWS::IAM::ManagedPolicy'))
      .filter(([, p]) => p.Properties.PolicyDocument.Statement.some((s: any) => ([] as string[]).concat(s.Action).includes('ec2:CreateNetworkInterface')));
    expect(eniPolicies.map(([, p]) => p.Properties.Roles)).toEqual([[{ Ref: expect.stringMatching(/OrchestratorHandlerRole/) }]]);
    template.resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('reserved concurrency and environment encryption on the function', () => {
    for (const fn of functions) {
      expect(fn.Properties.ReservedConcurrentExecutions).toBe(2);
      expect(fn.Properties.KmsKeyArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^OrgLogKey/), 'Arn'] });
    }
  });

  test('the ledger is encrypted with the organisation\'s key, which the function may use for it', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OrgLogKey'), 'Arn'] } },
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: Match.stringLikeRegexp('OrchestratorHandlerRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
          Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OrgLogKey'), 'Arn'] },
        })]),
      },
    });
  });

  test('the poll interval is the state machine\'s wait', () => {
    const [machine] = Object.values<any>(template.findResources('AWS::StepFunctions::StateMachine'));
    const definition = JSON.stringify(machine.Properties.DefinitionString);
    expect(definition).toMatch(/\\"Seconds\\":600\b/);
    expect(definition).not.toMatch(/\\"Seconds\\":300\b/);
  });

  test('the log groups are encrypted with the key, whose policy lets CloudWatch Logs use it for the account\'s log groups', () => {
    for (const g of Object.values<any>(template.findResources('AWS::Logs::LogGroup'))) {
      expect(g.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^OrgLogKey/), 'Arn'] });
    }
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Principal: { Service: 'logs.us-east-1.amazonaws.com' },
          Action: Match.arrayWith(['kms:Encrypt*', 'kms:Decrypt*', 'kms:GenerateDataKey*']),
          Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:us-east-1:111111111111:log-group:*']] } } },
        })]),
      },
    });
  });

  test('the template has no dependency cycle and no dangling reference', () => {
    expect(() => assertAcyclic(template.toJSON())).not.toThrow();
  });
});

describe('options the user brings', () => {
  test('security groups given are used instead of a new one', () => {
    const stack = newStack();
    const group = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Group', 'sg-0123456789abcdef0');
    addImport(stack, 'Import', { vpc: importedVpc(stack), securityGroups: [group] });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::SecurityGroup', 0);
    for (const fn of Object.values<any>(template.findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties.VpcConfig.SecurityGroupIds).toEqual(['sg-0123456789abcdef0']);
    }
  });

  test('log retention applies to the two log groups', () => {
    const stack = newStack();
    addImport(stack, 'Import', { logRetention: logs.RetentionDays.FIVE_YEARS });
    for (const g of Object.values<any>(Template.fromStack(stack).findResources('AWS::Logs::LogGroup'))) {
      expect(g.Properties.RetentionInDays).toBe(1827);
    }
  });

  test.each<[string, (stack: Stack) => ImportHandlerOptions, RegExp]>([
    ['vpcSubnets without vpc', () => ({ vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } }), /handler\.vpcSubnets requires handler\.vpc/],
    ['securityGroups without vpc', (s) => ({ securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(s, 'G', 'sg-1')] }), /handler\.securityGroups requires handler\.vpc/],
    ['no security group', (s) => ({ vpc: importedVpc(s), securityGroups: [] }), /handler\.securityGroups must not be empty/],
    ['zero reserved concurrency', () => ({ reservedConcurrentExecutions: 0 }), /handler\.reservedConcurrentExecutions must be a whole number of at least 1, got 0/],
    ['fractional reserved concurrency', () => ({ reservedConcurrentExecutions: 1.5 }), /handler\.reservedConcurrentExecutions .* got 1\.5/],
    ['a poll interval under a minute', () => ({ pollInterval: Duration.seconds(30) }), /handler\.pollInterval must be between 1 minute and 1 hour, got 30 seconds/],
    ['a poll interval over an hour', () => ({ pollInterval: Duration.hours(2) }), /handler\.pollInterval must be between 1 minute and 1 hour, got 2 hours/],
  ])('rejects %s', (_name, options, message) => {
    const stack = newStack();
    expect(() => addImport(stack, 'Import', options(stack))).toThrow(message);
  });
});

describe('one handler per stack: later imports must agree with the first', () => {
  test('a later import may leave the options out', () => {
    const stack = newStack();
    addImport(stack, 'First', { logRetention: logs.RetentionDays.TWO_YEARS, reservedConcurrentExecutions: 3 });
    expect(() => addImport(stack, 'Second', undefined, OTHER_STORE_ARN)).not.toThrow();
    for (const g of Object.values<any>(Template.fromStack(stack).findResources('AWS::Logs::LogGroup'))) {
      expect(g.Properties.RetentionInDays).toBe(731);
    }
  });

  test('a later import may repeat the same options, or equal ones (the same VPC imported again)', () => {
    const stack = newStack();
    const key = kms.Key.fromKeyArn(stack, 'Key', `arn:aws:kms:${REGION}:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`);
    const options: ImportHandlerOptions = { vpc: importedVpc(stack), logEncryptionKey: key, logRetention: logs.RetentionDays.ONE_YEAR };
    addImport(stack, 'First', options);
    expect(() => addImport(stack, 'Second', options, OTHER_STORE_ARN)).not.toThrow();
    expect(() => addImport(stack, 'Third', {
      vpc: importedVpc(stack, 'SameVpcAgain'),
      logEncryptionKey: kms.Key.fromKeyArn(stack, 'SameKeyAgain', key.keyArn),
    }, store(3))).not.toThrow();
    // Still one orchestrator: one function, one state machine, one ledger.
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
  });

  test('the logRetention default counts as set: repeating it is fine, changing it is not', () => {
    const stack = newStack();
    addImport(stack, 'First');
    expect(() => addImport(stack, 'Second', { logRetention: logs.RetentionDays.ONE_YEAR }, OTHER_STORE_ARN)).not.toThrow();
    expect(() => addImport(stack, 'Third', { logRetention: logs.RetentionDays.ONE_MONTH }, store(3)))
      .toThrow(/^handler\.logRetention of ImportStack\/Third differs from the handler options of ImportStack\/First, the first import of stack ImportStack/);
  });

  test.each<[string, (stack: Stack) => [ImportHandlerOptions | undefined, ImportHandlerOptions], string]>([
    ['a VPC where the first import had none', (s) => [undefined, { vpc: importedVpc(s) }], 'handler.vpc'],
    ['another VPC', (s) => [{ vpc: importedVpc(s) }, { vpc: ec2.Vpc.fromVpcAttributes(s, 'OtherVpc', { vpcId: 'vpc-other', availabilityZones: ['us-east-1a'], privateSubnetIds: ['subnet-9'] }) }], 'handler.vpc'],
    ['other subnets', (s) => {
      const vpc = ec2.Vpc.fromVpcAttributes(s, 'TwoTierVpc', {
        vpcId: 'vpc-1', availabilityZones: ['us-east-1a'], privateSubnetIds: ['subnet-private'], isolatedSubnetIds: ['subnet-isolated'],
      });
      return [{ vpc }, { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } }];
    }, 'handler.vpcSubnets'],
    ['other security groups', (s) => {
      const vpc = importedVpc(s);
      return [{ vpc }, { vpc, securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(s, 'G', 'sg-1')] }];
    }, 'handler.securityGroups'],
    ['a log encryption key where the first import had none', (s) => [{}, { logEncryptionKey: new kms.Key(s, 'K') }], 'handler.logEncryptionKey'],
    ['another reserved concurrency', () => [{ reservedConcurrentExecutions: 2 }, { reservedConcurrentExecutions: 5 }], 'handler.reservedConcurrentExecutions'],
    ['another environment key', (s) => [{ environmentEncryption: new kms.Key(s, 'K1') }, { environmentEncryption: new kms.Key(s, 'K2') }], 'handler.environmentEncryption'],
    ['a ledger key where the first import had none', (s) => [undefined, { ledgerEncryptionKey: new kms.Key(s, 'K') }], 'handler.ledgerEncryptionKey'],
    ['another poll interval', () => [{ pollInterval: Duration.minutes(5) }, { pollInterval: Duration.minutes(10) }], 'handler.pollInterval'],
  ])('a later import with %s fails, naming the option', (_name, options, prop) => {
    const stack = newStack();
    const [first, later] = options(stack);
    addImport(stack, 'First', first);
    expect(() => addImport(stack, 'Later', later, OTHER_STORE_ARN)).toThrow(`${prop} of ImportStack/Later differs from the handler options of ImportStack/First`);
  });

  test('every differing option is named', () => {
    const stack = newStack();
    addImport(stack, 'First', { reservedConcurrentExecutions: 2 });
    expect(() => addImport(stack, 'Later', { reservedConcurrentExecutions: 3, logRetention: logs.RetentionDays.ONE_DAY }, OTHER_STORE_ARN))
      .toThrow(/^handler\.logRetention, handler\.reservedConcurrentExecutions of ImportStack\/Later differ from/);
  });

  test('imports in different stacks have their own handlers and options', () => {
    const app = new App();
    const a = new Stack(app, 'A', { env: { account: ACCOUNT, region: REGION } });
    const b = new Stack(app, 'B', { env: { account: ACCOUNT, region: REGION } });
    addImport(a, 'Import', { reservedConcurrentExecutions: 2 }, store(1));
    expect(() => addImport(b, 'Import', { reservedConcurrentExecutions: 5 }, store(2))).not.toThrow();
  });
});
