/**
 * example/multi-account.ts: one Stage per account and region, as a CDK Pipelines wave deploys them.
 * Each synthesizes on its own, in its own environment, and refers to no other.
 */
import { App } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import {
  ANALYTICS_ACCOUNT, DELEGATED_ADMINISTRATOR_ACCOUNT, HOME_REGION, LOG_ARCHIVE_ACCOUNT, MANAGEMENT_ACCOUNT, MEMBER_ACCOUNTS, migrationStages,
  ORGANIZATION_ID, WORKLOADS_ACCOUNT,
} from '../../example/multi-account';
import { MemberDeliveryReader } from '../../src';

const app = new App();
const stages = migrationStages(app);
const assembly = app.synth();
const templates = new Map(stages.map((s) => [s.stageName, Template.fromStack(s.stack)]));

describe('the multi-account example', () => {
  test('one stage per account and region, each with one stack in its own environment', () => {
    expect(stages.map((s) => `${s.stageName} ${s.account}/${s.region}`)).toEqual([
      `Management-us-east-1 ${MANAGEMENT_ACCOUNT}/${HOME_REGION}`,
      `Observability-us-east-1 ${DELEGATED_ADMINISTRATOR_ACCOUNT}/${HOME_REGION}`,
      `LogArchive-us-east-1 ${LOG_ARCHIVE_ACCOUNT}/${HOME_REGION}`,
      `Workloads-us-east-1 ${WORKLOADS_ACCOUNT}/us-east-1`,
      `Analytics-eu-west-1 ${ANALYTICS_ACCOUNT}/eu-west-1`,
    ]);
    for (const stage of stages) {
      expect(stage.stack.account).toBe(stage.account);
      expect(stage.stack.region).toBe(stage.region);
      const nested = assembly.getNestedAssembly(stage.artifactId);
      const stacks = nested.stacks;
      expect(stacks.map((s) => s.environment.name)).toEqual([`aws://${stage.account}/${stage.region}`]);
    }
  });

  test('each store is imported in its own account: one import, ending at the cutover, and Lake ingestion stopped after the parallel run', () => {
    const runs: Record<string, string> = {};
    for (const [name, t] of templates) {
      const imports = Object.values(t.findResources('Custom::EventDataStoreImport')) as any[];
      if (name === 'Observability-us-east-1' || name === 'LogArchive-us-east-1') {
        // The delegated administrator cannot import a store of the management account; the log archive has no store.
        expect(imports).toHaveLength(0);
        continue;
      }
      expect(imports).toHaveLength(1);
      expect(imports[0].Properties).toMatchObject({ StartEventTime: String(Date.parse('2024-01-01T00:00:00Z')), CutoverOverlapSeconds: '900' });
      expect(imports[0].Properties.ImportSourceArn).toContain(`:${stages.find((s) => s.stageName === name)!.account}:eventdatastore/`);
      runs[name] = imports[0].Properties.StopIngestionAfterSeconds;
    }
    expect(runs).toEqual({ 'Management-us-east-1': '86400', 'Workloads-us-east-1': '86400', 'Analytics-eu-west-1': String(3 * 86400) });
    expect(Object.values(templates.get('Analytics-eu-west-1')!.findResources('Custom::EventDataStoreImport'))[0].Properties.CutoverLogGroupNames)
      .toBe('aws/cloudtrail/managementevents,aws/cloudtrail/dataevents');
  });

  test('the organisation telemetry rule and its evaluation only in the delegated administrator\'s stage; account rules only in the members', () => {
    for (const [name, t] of templates) {
      const delegated = name === 'Observability-us-east-1';
      const member = name === 'Workloads-us-east-1' || name === 'Analytics-eu-west-1';
      t.resourceCountIs('AWS::ObservabilityAdmin::OrganizationTelemetryRule', delegated ? 1 : 0);
      t.resourceCountIs('AWS::ObservabilityAdmin::TelemetryRule', member ? 1 : 0);
      t.resourceCountIs('AWS::ObservabilityAdmin::OrganizationCentralizationRule', delegated ? 1 : 0);
      t.resourceCountIs('Custom::TelemetryEvaluation', delegated || member ? 1 : 0);
    }
    templates.get('Observability-us-east-1')!.hasResourceProperties('Custom::TelemetryEvaluation', { Scope: 'ORGANIZATION' });
    templates.get('Analytics-eu-west-1')!.hasResourceProperties('AWS::ObservabilityAdmin::TelemetryRule', {
      Rule: { AllRegions: Match.absent(), DestinationConfiguration: { CloudtrailParameters: { AdvancedEventSelectors: [{ Name: 'Management events' }, { Name: 'S3 object writes' }] } } },
    });
  });

  test('the centralization rule copies us-east-1 and eu-west-1 of the organisation into the log-archive account', () => {
    templates.get('Observability-us-east-1')!.hasResourceProperties('AWS::ObservabilityAdmin::OrganizationCentralizationRule', {
      Rule: {
        Source: { Regions: [HOME_REGION, 'eu-west-1'], Scope: `OrganizationId = '${ORGANIZATION_ID}'` },
        Destination: { Account: LOG_ARCHIVE_ACCOUNT, Region: HOME_REGION },
      },
    });
  });

  test('the organisation store\'s cutover and stop read every member account, each of which has a stage with its reader', () => {
    const [imp] = Object.values(templates.get('Management-us-east-1')!.findResources('Custom::EventDataStoreImport')) as any[];
    expect(imp.Properties.CutoverMemberAccounts.split(',')).toEqual(MEMBER_ACCOUNTS);
    expect(imp.Properties.CutoverMemberRoleName).toBe(MemberDeliveryReader.DEFAULT_ROLE_NAME);
    // Every expected account has a reader, trusting the management account, allowed to read its ongoing groups only.
    const readers = stages.filter((s) => s.reader).map((s) => s.account);
    expect([...readers].sort()).toEqual([...MEMBER_ACCOUNTS].sort());
    for (const stage of stages.filter((s) => s.reader)) {
      const t = templates.get(stage.stageName)!;
      t.hasResourceProperties('AWS::IAM::Role', {
        RoleName: MemberDeliveryReader.DEFAULT_ROLE_NAME,
        AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Principal: { AWS: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(`:iam::${MANAGEMENT_ACCOUNT}:root`)])] } } }] },
      });
      const statements = Object.values(t.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
      expect(statements).toEqual([expect.objectContaining({ Action: 'logs:FilterLogEvents', Effect: 'Allow' })]);
      expect(statements[0].Resource.map((r: unknown) => JSON.stringify(r).replace(/.*:log-group:/, '').replace(/"\]\]\}$/, ''))).toEqual([
        'aws/cloudtrail/managementevents', 'aws/cloudtrail/managementevents:*', 'aws/cloudtrail/dataevents', 'aws/cloudtrail/dataevents:*',
      ]);
    }
    // The management account's orchestrator may assume exactly those roles.
    const assume = Object.values(templates.get('Management-us-east-1')!.findResources('AWS::IAM::ManagedPolicy'))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement).filter((s: any) => s.Action === 'sts:AssumeRole');
    expect(assume).toHaveLength(1);
    expect(JSON.stringify(assume[0].Resource)).toEqual(expect.stringContaining(`:iam::${LOG_ARCHIVE_ACCOUNT}:role/${MemberDeliveryReader.DEFAULT_ROLE_NAME}`));
    expect(assume[0].Resource).toHaveLength(MEMBER_ACCOUNTS.length);
  });

  test('no cross-stage references: no exports, no imports, no parameters of another stack', () => {
    for (const stage of stages) {
      const nested = assembly.getNestedAssembly(stage.artifactId);
      expect(nested.stacks).toHaveLength(1);
      const json = JSON.stringify(nested.stacks[0].template);
      expect(json).not.toContain('Fn::ImportValue');
      expect(json).not.toContain('Fn::GetAtt": ["Management');
      const outputs = Object.values(nested.stacks[0].template.Outputs ?? {}) as any[];
      expect(outputs.filter((o) => o.Export)).toEqual([]);
      expect(nested.stacks[0].template.Parameters ?? {}).not.toHaveProperty('AssetParameters');
    }
  });

  test('no stage warns', () => {
    for (const stage of stages) expect(Annotations.fromStack(stage.stack).findWarning('*', Match.anyValue())).toEqual([]);
  });
});
