import * as cdk from 'aws-cdk-lib';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as logs from 'aws-cdk-lib/aws-logs';
import { CloudTrailLakeMigration, CloudTrailLakeMigrationProps, MemberDeliveryReader, MigrationSource } from '../../src';
import { INVESTIGATION_QUERIES } from '../../src/migration/investigation-queries';
import { ACCOUNT, allStatements, newStack, REGION, STORE_ARN, STORE_ID, template, warnings } from '../event-data-store-import/fixtures';

const MANAGEMENT = 'aws/cloudtrail/managementevents';
const DATA = 'aws/cloudtrail/dataevents';
const ORG = { organizationId: 'o-a1b2c3d4e5', managementAccountId: ACCOUNT };
const DATA_SELECTORS: cloudtrail.CfnEventDataStore.AdvancedEventSelectorProperty[] = [
  { name: 'Management events', fieldSelectors: [{ field: 'eventCategory', equalTo: ['Management'] }] },
  { name: 'S3 writes', fieldSelectors: [{ field: 'eventCategory', equalTo: ['Data'] }, { field: 'resources.type', equalTo: ['AWS::S3::Object'] }, { field: 'readOnly', equalTo: ['false'] }] },
];

function importResources(stack: ReturnType<typeof newStack>) {
  return template(stack).findResources('Custom::EventDataStoreImport');
}

describe('a store of the app, all defaults', () => {
  const stack = newStack();
  const store = new cloudtrail.CfnEventDataStore(stack, 'Store', {});
  const migration = new CloudTrailLakeMigration(stack, 'Migration', { stores: [MigrationSource.fromEventDataStore(store)] });
  const t = template(stack);

  test('one telemetry rule carries the store\'s (default: all management) events over, from every region', () => {
    t.resourceCountIs('AWS::ObservabilityAdmin::TelemetryRule', 1);
    t.resourceCountIs('AWS::ObservabilityAdmin::OrganizationTelemetryRule', 0);
    t.hasResourceProperties('AWS::ObservabilityAdmin::TelemetryRule', {
      Rule: {
        ResourceType: 'AWS::CloudTrail',
        TelemetryType: 'Logs',
        AllRegions: true,
        DestinationConfiguration: {
          DestinationType: 'cloud-watch-logs',
          RetentionInDays: 365,
          CloudtrailParameters: { AdvancedEventSelectors: [{ Name: 'Management events', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] }] },
        },
      },
    });
  });

  test('the evaluation checks for other CloudTrail rules, knowing the stack\'s own by name; the function may list them', () => {
    const ruleName = (Object.values(t.findResources('AWS::ObservabilityAdmin::TelemetryRule'))[0] as any).Properties.RuleName;
    t.hasResourceProperties('Custom::TelemetryEvaluation', { CloudTrailRuleNames: ruleName });
    expect(allStatements(t).filter((st) => JSON.stringify(st.Action).includes('observabilityadmin:ListTelemetryRules'))).toHaveLength(1);
  });

  test('no rule is adopted unless named', () => {
    t.hasResourceProperties('Custom::TelemetryEvaluation', { AdoptedCloudTrailRuleNames: Match.absent() });
  });

  test('a multi-region store: telemetry evaluation is started in every region (AllRegions), as its rule covers them', () => {
    t.hasResourceProperties('Custom::TelemetryEvaluation', { Scope: 'ACCOUNT', AllRegions: 'true' });
  });

  test('the rule waits for telemetry evaluation; the import waits for the rule', () => {
    const rule = Object.entries(t.findResources('AWS::ObservabilityAdmin::TelemetryRule'))[0];
    const evaluation = Object.keys(t.findResources('Custom::TelemetryEvaluation'));
    expect(evaluation).toHaveLength(1);
    expect(t.findResources('Custom::TelemetryEvaluation')[evaluation[0]].Properties.Scope).toBe('ACCOUNT');
    expect(rule[1].DependsOn).toEqual(expect.arrayContaining([evaluation[0]]));
    const [imp] = Object.values(importResources(stack)) as any[];
    expect(imp.DependsOn).toEqual(expect.arrayContaining([rule[0]]));
  });

  test('the import ends at the measured cutover: its log groups, a 15-minute overlap, a 24-hour timeout; no fixed end', () => {
    const [imp] = Object.values(importResources(stack)) as any[];
    expect(imp.Properties).toMatchObject({ CutoverLogGroupNames: MANAGEMENT, CutoverOverlapSeconds: '900', CutoverTimeoutSeconds: '86400' });
    expect(imp.Properties.EndEventTime).toBeUndefined();
    expect(imp.Properties.StartEventTime).toBeUndefined();
    expect(imp.Properties.StopIngestionAfterSeconds).toBeUndefined();
    expect(migration.cutoverOverlap.toMinutes()).toBe(15);
  });

  test('the orchestrator may read the ongoing log group, and may not stop ingestion', () => {
    const statements = allStatements(t);
    expect(statements).toContainEqual(expect.objectContaining({
      Action: 'logs:FilterLogEvents',
      Resource: [
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:logs:${REGION}:${ACCOUNT}:log-group:${MANAGEMENT}`]] },
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:logs:${REGION}:${ACCOUNT}:log-group:${MANAGEMENT}:*`]] },
      ],
    }));
    expect(JSON.stringify(statements)).not.toContain('StopEventDataStoreIngestion');
  });

  test('saved queries over the imported and the ongoing log groups together', () => {
    t.resourceCountIs('AWS::Logs::QueryDefinition', INVESTIGATION_QUERIES.length);
    t.hasResourceProperties('AWS::Logs::QueryDefinition', {
      Name: `CloudTrail Lake migration/${INVESTIGATION_QUERIES[0].title}`,
      QueryString: INVESTIGATION_QUERIES[0].logsInsights,
      LogGroupNames: [{ 'Fn::Join': ['', ['aws/cloudtrail/', Match.anyValue()]] }, MANAGEMENT],
    });
    expect(migration.ongoingLogGroupNames).toEqual([MANAGEMENT]);
    expect(migration.imports).toHaveLength(1);
  });

  test('no warnings', () => {
    expect(warnings(stack)).toEqual([]);
  });
});

describe('options', () => {
  test('data events: both log groups are measured and queried; the selectors carry over field for field', () => {
    const stack = newStack();
    new CloudTrailLakeMigration(stack, 'Migration', {
      stores: [MigrationSource.fromEventDataStoreArn(STORE_ARN, { advancedEventSelectors: DATA_SELECTORS, multiRegionEnabled: false })],
      ongoingRetention: logs.RetentionDays.TEN_YEARS,
    });
    const t = template(stack);
    t.hasResourceProperties('AWS::ObservabilityAdmin::TelemetryRule', {
      Rule: {
        AllRegions: Match.absent(),
        DestinationConfiguration: {
          RetentionInDays: 3653,
          CloudtrailParameters: {
            AdvancedEventSelectors: [
              { Name: 'Management events', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
              { Name: 'S3 writes', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::S3::Object'] }, { Field: 'readOnly', Equals: ['false'] }] },
            ],
          },
        },
      },
    });
    const [imp] = Object.values(importResources(stack)) as any[];
    expect(imp.Properties.CutoverLogGroupNames).toBe(`${MANAGEMENT},${DATA}`);
    t.hasResourceProperties('AWS::Logs::QueryDefinition', { LogGroupNames: [`aws/cloudtrail/${STORE_ID}`, MANAGEMENT, DATA] });
  });

  test('stopLakeIngestion: after the parallel run (default 24 h), with the one permission it needs on exactly the store', () => {
    const stack = newStack();
    new CloudTrailLakeMigration(stack, 'Migration', {
      stores: [MigrationSource.fromEventDataStoreArn(STORE_ARN, { advancedEventSelectors: DATA_SELECTORS })],
      stopLakeIngestion: true,
      historyStart: new Date('2024-01-01T00:00:00Z'),
      cutoverOverlap: Duration.minutes(30),
    });
    const [imp] = Object.values(importResources(stack)) as any[];
    expect(imp.Properties).toMatchObject({ StopIngestionAfterSeconds: '86400', StartEventTime: String(Date.parse('2024-01-01T00:00:00Z')), CutoverOverlapSeconds: '1800' });
    const stops = allStatements(template(stack)).filter((s) => JSON.stringify(s.Action).includes('StopEventDataStoreIngestion'));
    expect(stops).toEqual([expect.objectContaining({ Action: 'cloudtrail:StopEventDataStoreIngestion', Resource: STORE_ARN, Effect: 'Allow' })]);
    expect(JSON.stringify(allStatements(template(stack)))).not.toMatch(/DeleteEventDataStore/);
  });

  test('a custom parallel run', () => {
    const stack = newStack();
    new CloudTrailLakeMigration(stack, 'Migration', {
      stores: [MigrationSource.fromEventDataStoreArn(STORE_ARN, { advancedEventSelectors: DATA_SELECTORS })],
      stopLakeIngestion: true,
      parallelRun: Duration.hours(72),
    });
    const [imp] = Object.values(importResources(stack)) as any[];
    expect(imp.Properties.StopIngestionAfterSeconds).toBe(String(72 * 3600));
  });

  test('the import options reach every import: wait, DESTROY, topic', () => {
    const stack = newStack();
    const migration = new CloudTrailLakeMigration(stack, 'Migration', {
      stores: [
        MigrationSource.fromEventDataStoreArn(STORE_ARN, { advancedEventSelectors: DATA_SELECTORS }),
        MigrationSource.fromEventDataStore(new cloudtrail.CfnEventDataStore(stack, 'Store', {})),
      ],
      waitForCompletion: true,
      completionTimeout: Duration.minutes(30),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const imports = Object.values(importResources(stack)) as any[];
    expect(imports).toHaveLength(2);
    for (const imp of imports) expect(imp.Properties).toMatchObject({ WaitForCompletion: 'true', TimeoutSeconds: '1800', RemovalPolicy: 'destroy' });
    // Both stores' selectors in one rule, the identical management selector once.
    const [rule] = Object.values(template(stack).findResources('AWS::ObservabilityAdmin::TelemetryRule')) as any[];
    expect(rule.Properties.Rule.DestinationConfiguration.CloudtrailParameters.AdvancedEventSelectors).toHaveLength(2);
    expect(migration.imports[0].cutoverTime).toEqual(expect.stringContaining('${Token'));
    expect(migration.imports[1].importEndTime).toEqual(expect.stringContaining('${Token'));
  });

  test('importHistory: false: the rule only, no import', () => {
    const stack = newStack();
    const migration = new CloudTrailLakeMigration(stack, 'Migration', {
      stores: [MigrationSource.fromEventDataStoreArn(STORE_ARN, { advancedEventSelectors: DATA_SELECTORS })],
      importHistory: false,
      savedQueries: false,
    });
    template(stack).resourceCountIs('Custom::EventDataStoreImport', 0);
    template(stack).resourceCountIs('AWS::ObservabilityAdmin::TelemetryRule', 1);
    template(stack).resourceCountIs('AWS::Logs::QueryDefinition', 0);
    expect(migration.imports).toEqual([]);
  });

  test('an organisation store: an organisation telemetry rule, evaluation for the organisation, the rule\'s scope', () => {
    const stack = newStack();
    const store = new cloudtrail.CfnEventDataStore(stack, 'OrgStore', { organizationEnabled: true });
    new CloudTrailLakeMigration(stack, 'Migration', {
      stores: [MigrationSource.fromEventDataStore(store)],
      organization: { ...ORG, ruleScope: "OrganizationUnitId = 'ou-ab12-34cd56ef'" },
    });
    const t = template(stack);
    t.resourceCountIs('AWS::ObservabilityAdmin::TelemetryRule', 0);
    t.hasResourceProperties('AWS::ObservabilityAdmin::OrganizationTelemetryRule', {
      Rule: { ResourceType: 'AWS::CloudTrail', TelemetryType: 'Logs', Scope: "OrganizationUnitId = 'ou-ab12-34cd56ef'", AllRegions: true },
    });
    t.hasResourceProperties('Custom::TelemetryEvaluation', { Scope: 'ORGANIZATION' });
  });

  test('account and organisation stores together: one rule each', () => {
    const stack = newStack();
    new CloudTrailLakeMigration(stack, 'Migration', {
      stores: [
        MigrationSource.fromEventDataStore(new cloudtrail.CfnEventDataStore(stack, 'OrgStore', { organizationEnabled: true })),
        MigrationSource.fromEventDataStoreArn(STORE_ARN, { advancedEventSelectors: DATA_SELECTORS }),
      ],
      organization: ORG,
    });
    template(stack).resourceCountIs('AWS::ObservabilityAdmin::TelemetryRule', 1);
    template(stack).resourceCountIs('AWS::ObservabilityAdmin::OrganizationTelemetryRule', 1);
    template(stack).resourceCountIs('Custom::TelemetryEvaluation', 2);
  });

  test('centralization: the CloudTrail log groups of the organisation into one account and region', () => {
    const stack = newStack();
    const migration = new CloudTrailLakeMigration(stack, 'Migration', {
      stores: [MigrationSource.fromEventDataStore(new cloudtrail.CfnEventDataStore(stack, 'OrgStore', { organizationEnabled: true }))],
      organization: ORG,
      centralization: { destinationAccountId: '222222222222', destinationRegion: 'eu-west-1', sourceRegions: ['us-east-1', 'us-west-2'], backupRegion: 'eu-central-1' },
    });
    template(stack).hasResourceProperties('AWS::ObservabilityAdmin::OrganizationCentralizationRule', {
      Rule: {
        Source: {
          Regions: ['us-east-1', 'us-west-2'],
          Scope: "OrganizationId = 'o-a1b2c3d4e5'",
          SourceLogsConfiguration: { EncryptedLogGroupStrategy: 'ALLOW', LogGroupSelectionCriteria: "LogGroupName LIKE 'aws/cloudtrail/%'" },
        },
        Destination: {
          Account: '222222222222',
          Region: 'eu-west-1',
          DestinationLogsConfiguration: { LogsEncryptionConfiguration: { EncryptionStrategy: 'AWS_OWNED' }, BackupConfiguration: { Region: 'eu-central-1' } },
        },
      },
    });
    expect(migration.centralizationRule).toBeDefined();
  });

  test('a Config-items store alongside: warned, and its events stay in Lake', () => {
    const stack = newStack();
    new CloudTrailLakeMigration(stack, 'Migration', {
      stores: [MigrationSource.fromEventDataStoreArn(STORE_ARN, {
        advancedEventSelectors: [...DATA_SELECTORS, { fieldSelectors: [{ field: 'eventCategory', equalTo: ['ConfigurationItem'] }] }],
      })],
    });
    expect(warnings(stack).join('\n')).toMatch(/ConfigurationItem, which CloudWatch telemetry rules do not deliver.*acknowledgeWarning\('cdk-eventdatastore-import:undeliveredCategories'\)/s);
  });

  test('selectors given as a token pass through unchanged, with a warning', () => {
    const stack = newStack();
    const store = new cloudtrail.CfnEventDataStore(stack, 'Store', {});
    store.addPropertyOverride('AdvancedEventSelectors', [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] }]);
    const tokenStore = new cloudtrail.CfnEventDataStore(stack, 'TokenStore', { advancedEventSelectors: store.getAtt('AdvancedEventSelectors') as any });
    new CloudTrailLakeMigration(stack, 'Migration', { stores: [MigrationSource.fromEventDataStore(tokenStore)] });
    template(stack).hasResourceProperties('AWS::ObservabilityAdmin::TelemetryRule', {
      Rule: { DestinationConfiguration: { CloudtrailParameters: { AdvancedEventSelectors: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Store'), 'AdvancedEventSelectors'] } } } },
    });
    expect(warnings(stack).join('\n')).toContain('cdk-eventdatastore-import:selectorsToken');
  });
});

describe('bad input names the prop, the value and what is valid', () => {
  const arnStore = () => MigrationSource.fromEventDataStoreArn(STORE_ARN, { advancedEventSelectors: DATA_SELECTORS });
  const cases: Array<[string, (stack: ReturnType<typeof newStack>) => void, RegExp]> = [
    ['no store', (s) => new CloudTrailLakeMigration(s, 'M', { stores: [] }), /^stores must name at least one event data store/],
    ['a parallel run under an hour', (s) => new CloudTrailLakeMigration(s, 'M', { stores: [arnStore()], stopLakeIngestion: true, parallelRun: Duration.minutes(30) }),
      /^parallelRun must be between 1 hour and 364 days, got 30 minutes/],
    ['a parallel run without the stop', (s) => new CloudTrailLakeMigration(s, 'M', { stores: [arnStore()], parallelRun: Duration.hours(2) }),
      /^parallelRun \(2 hours\) is given but stopLakeIngestion is not/],
    ['a stop without a completed import (no history import)', (s) => new CloudTrailLakeMigration(s, 'M', { stores: [arnStore()], stopLakeIngestion: true, importHistory: false }),
      /^stopLakeIngestion needs importHistory: Lake ingestion stops only once the history import has COMPLETED/],
    ['a store in another region', (s) => new CloudTrailLakeMigration(s, 'M', {
      stores: [MigrationSource.fromEventDataStoreArn(STORE_ARN.replace(REGION, 'eu-west-1'), { advancedEventSelectors: DATA_SELECTORS })],
    }), /^stores: stores\[0\] \(arn:aws:cloudtrail:eu-west-1:.*\) is in region eu-west-1, but the stack Stack is in us-east-1/],
    ['a store in another account', (s) => new CloudTrailLakeMigration(s, 'M', {
      stores: [MigrationSource.fromEventDataStoreArn(STORE_ARN.replace(ACCOUNT, '999999999999'), { advancedEventSelectors: DATA_SELECTORS })],
    }), /^stores: stores\[0\] .* is in account 999999999999, but the stack Stack is in 111111111111/],
    ['an organisation store in a stack of neither the management nor the delegated administrator account', (s) => new CloudTrailLakeMigration(s, 'M', {
      stores: [MigrationSource.fromEventDataStoreArn(STORE_ARN.replace(ACCOUNT, '222222222222'), { advancedEventSelectors: DATA_SELECTORS, organizationEnabled: true })],
      organization: { organizationId: 'o-a1b2c3d4e5', managementAccountId: '222222222222', delegatedAdministratorAccountId: '333333333333' },
    }), new RegExp('^organization: the stack Stack is in account 111111111111, which is neither the management account \\(222222222222\\) nor the delegated ' +
      'administrator \\(333333333333\\): the history of stores\\[0\\] is imported from a stack in the management account 222222222222 .* and the organisation ' +
      'telemetry rule is created from the delegated administrator 333333333333\\. Deploy the migration to 222222222222 and 333333333333 \\(the same props in both\\)')],
    ['an organisation store in a member account, no delegated administrator', (s) => new CloudTrailLakeMigration(s, 'M', {
      stores: [MigrationSource.fromEventDataStoreArn(STORE_ARN.replace(ACCOUNT, '222222222222'), { advancedEventSelectors: DATA_SELECTORS, organizationEnabled: true })],
      organization: { organizationId: 'o-a1b2c3d4e5', managementAccountId: '222222222222' },
    }), /^organization: the stack Stack is in account 111111111111, which is neither the management account \(222222222222\) nor the delegated administrator \(none given\): .*created from the management account 222222222222\. Deploy the migration to 222222222222, or set organization.delegatedAdministratorAccountId to 111111111111/],
    ['an organisation store outside the management account (a store AWS cannot make)', (s) => new CloudTrailLakeMigration(s, 'M', {
      stores: [MigrationSource.fromEventDataStoreArn(STORE_ARN, { advancedEventSelectors: DATA_SELECTORS, organizationEnabled: true })],
      organization: { organizationId: 'o-a1b2c3d4e5', managementAccountId: '222222222222', delegatedAdministratorAccountId: ACCOUNT },
    }), /^stores: stores\[0\] \(arn:aws:cloudtrail:us-east-1:111111111111:.*\) is an organisation event data store in account 111111111111, but organization.managementAccountId is 222222222222: organisation event data stores live in the management account/],
    ['the management account as its own delegated administrator', (s) => new CloudTrailLakeMigration(s, 'M', {
      stores: [MigrationSource.fromEventDataStoreArn(STORE_ARN, { advancedEventSelectors: DATA_SELECTORS, organizationEnabled: true })],
      organization: { organizationId: 'o-a1b2c3d4e5', managementAccountId: ACCOUNT, delegatedAdministratorAccountId: ACCOUNT },
    }), /^organization.delegatedAdministratorAccountId is the management account \(111111111111\): the management account cannot be its own delegated administrator/],
    ['centralization from a member account', (s) => new CloudTrailLakeMigration(s, 'M', {
      stores: [arnStore()],
      organization: { organizationId: 'o-a1b2c3d4e5', managementAccountId: '222222222222' },
      centralization: { destinationAccountId: '222222222222', destinationRegion: 'eu-west-1' },
    }), /^organization: the stack Stack is in account 111111111111, .*: organisation centralization rules are created from the management account 222222222222\. Deploy the migration to 222222222222,/],
    ['stopping an organisation store\'s Lake ingestion with no member account to read', (s) => new CloudTrailLakeMigration(s, 'M', {
      stores: [MigrationSource.fromEventDataStoreArn(STORE_ARN, { advancedEventSelectors: DATA_SELECTORS, organizationEnabled: true })],
      organization: ORG,
      stopLakeIngestion: true,
    }), /^stopLakeIngestion: stores\[0\] .* is an organisation event data store, whose ongoing events an organisation telemetry rule delivers into each member account's own log groups.*Give organization.memberAccountIds .* and deploy a MemberDeliveryReader in each of them, or migrate without stopLakeIngestion/],
    ['a bad member account', (s) => new CloudTrailLakeMigration(s, 'M', { stores: [arnStore()], organization: { ...ORG, memberAccountIds: ['22222222222'] } }),
      /^organization.memberAccountIds\[0\] must be a 12-digit account ID, got "22222222222"/],
    ['the management account as a member', (s) => new CloudTrailLakeMigration(s, 'M', { stores: [arnStore()], organization: { ...ORG, memberAccountIds: ['222222222222', ACCOUNT] } }),
      /^organization.memberAccountIds\[1\] is the management account \(111111111111\), whose own log groups are read anyway/],
    ['a member listed twice', (s) => new CloudTrailLakeMigration(s, 'M', { stores: [arnStore()], organization: { ...ORG, memberAccountIds: ['222222222222', '222222222222'] } }),
      /^organization.memberAccountIds\[1\] \(222222222222\) is listed twice/],
    ['no member accounts', (s) => new CloudTrailLakeMigration(s, 'M', { stores: [arnStore()], organization: { ...ORG, memberAccountIds: [] } }),
      /^organization.memberAccountIds must not be empty/],
    ['a bad reader role name', (s) => new CloudTrailLakeMigration(s, 'M', { stores: [arnStore()], organization: { ...ORG, memberAccountIds: ['222222222222'], memberReaderRoleName: 'a b' } }),
      /^organization.memberReaderRoleName must be an IAM role name .*, got "a b"/],
    ['cutoverRegions with the stack\'s own region', (s) => new CloudTrailLakeMigration(s, 'M', { stores: [arnStore()], cutoverRegions: ['eu-west-1', REGION] }),
      /^cutoverRegions lists us-east-1, the stack's own region, which is measured anyway/],
    ['cutoverRegions without a multi-region store', (s) => new CloudTrailLakeMigration(s, 'M', {
      stores: [MigrationSource.fromEventDataStoreArn(STORE_ARN, { advancedEventSelectors: DATA_SELECTORS, multiRegionEnabled: false })], cutoverRegions: ['eu-west-1'],
    }), /^cutoverRegions \(eu-west-1\) is given, but no store collects events from every region/],
    ['an empty cutoverRegions', (s) => new CloudTrailLakeMigration(s, 'M', { stores: [arnStore()], cutoverRegions: [] }), /^cutoverRegions must not be empty/],
    ['a bad cutover region', (s) => new CloudTrailLakeMigration(s, 'M', { stores: [arnStore()], cutoverRegions: ['Europe'] }),
      /^cutoverRegions\[0\] must be a region like eu-west-1, got "Europe"/],
    ['a cutover region twice', (s) => new CloudTrailLakeMigration(s, 'M', { stores: [arnStore()], cutoverRegions: ['eu-west-1', 'eu-west-1'] }),
      /^cutoverRegions lists eu-west-1 twice/],
    ['an organisation store without organization', (s) => new CloudTrailLakeMigration(s, 'M', {
      stores: [MigrationSource.fromEventDataStoreArn(STORE_ARN, { advancedEventSelectors: DATA_SELECTORS, organizationEnabled: true })],
    }), /^organization is required: stores\[0\] is an organisation event data store/],
    ['centralization without organization', (s) => new CloudTrailLakeMigration(s, 'M', {
      stores: [arnStore()], centralization: { destinationAccountId: '222222222222', destinationRegion: 'eu-west-1' },
    }), /^centralization needs organization/],
    ['a bad destination account', (s) => new CloudTrailLakeMigration(s, 'M', {
      stores: [arnStore()], organization: ORG, centralization: { destinationAccountId: '2222', destinationRegion: 'eu-west-1' },
    }), /^centralization.destinationAccountId must be a 12-digit account ID, got "2222"/],
    ['a bad organisation ID', (s) => new CloudTrailLakeMigration(s, 'M', { stores: [arnStore()], organization: { ...ORG, organizationId: 'org-1' } }),
      /^organization.organizationId must be an organisation ID like o-a1b2c3d4e5, got "org-1"/],
    ['an overlap under a minute', (s) => new CloudTrailLakeMigration(s, 'M', { stores: [arnStore()], cutoverOverlap: Duration.seconds(10) }),
      /^cutoverOverlap must be between 1 minute and 1 day, got 10 seconds/],
    ['a cutover timeout under an hour', (s) => new CloudTrailLakeMigration(s, 'M', { stores: [arnStore()], cutoverTimeout: Duration.minutes(5) }),
      /^cutoverTimeout must be between 1 hour and 30 days, got 5 minutes/],
    ['stopping a store whose Insights events no rule delivers', (s) => new CloudTrailLakeMigration(s, 'M', {
      stores: [MigrationSource.fromEventDataStoreArn(STORE_ARN, { advancedEventSelectors: [...DATA_SELECTORS, { fieldSelectors: [{ field: 'eventCategory', equalTo: ['Insight'] }] }] })],
      stopLakeIngestion: true,
    }), /^stopLakeIngestion: stores\[0\] .* collects eventCategory Insight, which CloudWatch telemetry rules do not deliver/],
    ['a store with only Config items', (s) => new CloudTrailLakeMigration(s, 'M', {
      stores: [MigrationSource.fromEventDataStoreArn(STORE_ARN, { advancedEventSelectors: [{ fieldSelectors: [{ field: 'eventCategory', equalTo: ['ConfigurationItem'] }] }] })],
    }), /^stores: stores\[0\] .* collects only ConfigurationItem events, which no telemetry rule delivers/],
    ['an unknown selector field', (s) => new CloudTrailLakeMigration(s, 'M', {
      stores: [MigrationSource.fromEventDataStoreArn(STORE_ARN, { advancedEventSelectors: [{ fieldSelectors: [{ field: 'eventCategory', equalTo: ['Management'] }, { field: 'userName', equalTo: ['x'] }] }] })],
    }), /^stores\[0\] advancedEventSelectors\[0\]\.fieldSelectors\[1\]\.field is "userName", which is not a field of an advanced event selector; valid fields: eventCategory, /],
    ['history start with importHistory false', (s) => new CloudTrailLakeMigration(s, 'M', { stores: [arnStore()], importHistory: false, historyStart: new Date('2024-01-01') }),
      /^historyStart is given but importHistory is false/],
    ['an invalid history start', (s) => new CloudTrailLakeMigration(s, 'M', { stores: [arnStore()], historyStart: new Date('not a date') }),
      /^historyStart is an invalid Date/],
    ['an adopted rule name the service would reject', (s) => new CloudTrailLakeMigration(s, 'M', { stores: [arnStore()], adoptTelemetryRuleNames: ['console-rule', 'my rule'] }),
      /^adoptTelemetryRuleNames\[1\] must be a telemetry rule name \(1 to 100 letters, digits and hyphens\), got "my rule"/],
    ['an adopted rule name too long', (s) => new CloudTrailLakeMigration(s, 'M', { stores: [arnStore()], adoptTelemetryRuleNames: ['r'.repeat(101)] }),
      /^adoptTelemetryRuleNames\[0\] must be a telemetry rule name/],
  ];
  test.each(cases)('%s', (_name, build, message) => {
    expect(() => build(newStack())).toThrow(message);
  });

  test('adopted rule names reach the custom resource of the scope, tokens too; an unresolved name is not judged', () => {
    const stack = newStack();
    const name = new cdk.CfnParameter(stack, 'RuleName').valueAsString;
    new CloudTrailLakeMigration(stack, 'M', { stores: [arnStore()], adoptTelemetryRuleNames: ['console-cloudtrail', name] });
    template(stack).hasResourceProperties('Custom::TelemetryEvaluation', {
      Scope: 'ACCOUNT', AdoptedCloudTrailRuleNames: { 'Fn::Join': ['', ['console-cloudtrail,', { Ref: 'RuleName' }]] },
    });
  });

  test('an organisation migration adopts in the organisation scope', () => {
    const stack = newStack();
    new CloudTrailLakeMigration(stack, 'M', {
      stores: [MigrationSource.fromEventDataStoreArn(STORE_ARN, { advancedEventSelectors: DATA_SELECTORS, organizationEnabled: true })],
      organization: ORG,
      adoptTelemetryRuleNames: ['org-console-rule'],
    });
    template(stack).hasResourceProperties('Custom::TelemetryEvaluation', { Scope: 'ORGANIZATION', AdoptedCloudTrailRuleNames: 'org-console-rule' });
  });

  test('a list token of adopted names reaches the handler joined', () => {
    const stack = newStack();
    const names = new cdk.CfnParameter(stack, 'RuleNames', { type: 'CommaDelimitedList' }).valueAsList;
    new CloudTrailLakeMigration(stack, 'M', { stores: [arnStore()], adoptTelemetryRuleNames: names });
    template(stack).hasResourceProperties('Custom::TelemetryEvaluation', { AdoptedCloudTrailRuleNames: { 'Fn::Join': [',', { Ref: 'RuleNames' }] } });
  });

  test('waits of any length at any poll interval: an execution hands over before its history fills, so no budget is checked', () => {
    expect(() => new CloudTrailLakeMigration(newStack(), 'M', {
      stores: [arnStore()], cutoverTimeout: Duration.days(30), stopLakeIngestion: true, handler: { pollInterval: Duration.minutes(1) },
    })).not.toThrow();
  });

  test('an environment-agnostic stack is not rejected for the account it cannot know', () => {
    const stack = newStack('Agnostic', {});
    expect(() => new CloudTrailLakeMigration(stack, 'M', {
      stores: [MigrationSource.fromEventDataStoreArn(STORE_ARN.replace(ACCOUNT, '222222222222'), { advancedEventSelectors: DATA_SELECTORS, organizationEnabled: true })],
      organization: { organizationId: 'o-a1b2c3d4e5', managementAccountId: '222222222222' },
    })).not.toThrow();
  });
});

describe('historyStart: errors for the impossible, warnings for what depends on the day', () => {
  const TODAY = Date.UTC(2026, 5, 15);
  const DAY = 86_400_000;
  const arnStore = (retentionPeriod?: Duration) =>
    MigrationSource.fromEventDataStoreArn(STORE_ARN, { advancedEventSelectors: DATA_SELECTORS, retentionPeriod });
  beforeEach(() => jest.spyOn(Date, 'now').mockReturnValue(TODAY));
  afterEach(() => jest.restoreAllMocks());

  function migrate(historyStart: Date, stores = [arnStore()]) {
    const stack = newStack();
    new CloudTrailLakeMigration(stack, 'Migration', { stores, historyStart });
    return { stack, warnings: warnings(stack) };
  }

  test('before 1970 (a negative event time) is an error naming the value and what is valid', () => {
    expect(() => migrate(new Date(-DAY))).toThrow('historyStart must not be before 1970-01-01T00:00:00.000Z (event times are milliseconds since the epoch, >= 0), ' +
      'got 1969-12-31T00:00:00.000Z; give a date from 2023 on, or leave historyStart out to import everything the store keeps');
  });

  test('an invalid Date is an error', () => {
    expect(() => migrate(new Date('not a date'))).toThrow(/^historyStart is an invalid Date; give a valid one/);
  });

  test('in the future: a warning with its id (the import would fail at deploy time, after the cutover wait), not an error', () => {
    const { stack, warnings: found } = migrate(new Date(TODAY + DAY));
    expect(found).toEqual([expect.stringMatching(/^historyStart \(2026-06-16T00:00:00.000Z\) is in the future: .*the import fails at deploy time, after the wait for the cutover\. .*'cdk-eventdatastore-import:historyStartInFuture'/)]);
    // Synthesized the same the next day: the start is then in the past, and the template is unchanged.
    const before = JSON.stringify(template(stack).toJSON());
    jest.spyOn(Date, 'now').mockReturnValue(TODAY + 2 * DAY);
    const later = migrate(new Date(TODAY + DAY));
    expect(later.warnings).toEqual([]);
    expect(JSON.stringify(template(later.stack).toJSON())).toBe(before);
  });

  test('before 2023: a warning with its id', () => {
    const { warnings: found } = migrate(new Date('2022-06-01T00:00:00Z'));
    expect(found).toEqual([expect.stringMatching(/^historyStart \(2022-06-01T00:00:00.000Z\) is before 2023-01-01; AWS says events from before 2023 cannot be migrated.*'cdk-eventdatastore-import:before2023'/)]);
  });

  test('older than a store keeps today: a warning per such store, on its import, with its id', () => {
    const start = new Date(TODAY - 400 * DAY);
    const stack = newStack();
    new CloudTrailLakeMigration(stack, 'Migration', {
      stores: [arnStore(Duration.days(366)), MigrationSource.fromEventDataStore(new cloudtrail.CfnEventDataStore(stack, 'Kept', { retentionPeriod: 3653 }))],
      historyStart: start,
    });
    const found = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('outsideRetention'));
    expect(found.map((w) => w.id)).toEqual([`/Stack/Migration/${STORE_ID}History`]);
    expect(String(found[0].entry.data)).toMatch(new RegExp(`^historyStart \\(${start.toISOString()}\\) is older than the store keeps events today \\(about 2025-06-14T00:00:00.000Z, ` +
      'assuming the retentionPeriod given to ImportSource.fromEventDataStoreArn \\(366 days\\)\\).*move historyStart later, or leave it out'));
  });

  test('a start inside every store\'s retention, after 2023, in the past: no warning; StartEventTime as given', () => {
    const start = new Date(TODAY - 30 * DAY);
    const { stack, warnings: found } = migrate(start, [arnStore(Duration.days(366))]);
    expect(found).toEqual([]);
    const [imp] = Object.values(importResources(stack)) as any[];
    expect(imp.Properties.StartEventTime).toBe(String(start.getTime()));
  });
});

describe('the delegated administrator layout: the same props in the management account and the delegated administrator', () => {
  const MANAGEMENT_ACCOUNT = '222222222222';
  const DELEGATED = '333333333333';
  const orgStoreArn = STORE_ARN.replace(ACCOUNT, MANAGEMENT_ACCOUNT);
  const props = (): CloudTrailLakeMigrationProps => ({
    stores: [MigrationSource.fromEventDataStoreArn(orgStoreArn, { advancedEventSelectors: DATA_SELECTORS, organizationEnabled: true })],
    organization: { organizationId: 'o-a1b2c3d4e5', managementAccountId: MANAGEMENT_ACCOUNT, delegatedAdministratorAccountId: DELEGATED, memberAccountIds: [DELEGATED, '444444444444'] },
    centralization: { destinationAccountId: '444444444444', destinationRegion: REGION },
    stopLakeIngestion: true,
  });
  const managementStack = newStack('Management', { account: MANAGEMENT_ACCOUNT, region: REGION });
  const management = new CloudTrailLakeMigration(managementStack, 'Migration', props());
  const delegatedStack = newStack('Delegated', { account: DELEGATED, region: REGION });
  const delegated = new CloudTrailLakeMigration(delegatedStack, 'Migration', props());
  const m = template(managementStack);
  const d = template(delegatedStack);

  test('the management account imports the organisation store (and stops its Lake ingestion), with no organisation rule of its own', () => {
    expect(management.imports).toHaveLength(1);
    const [imp] = Object.values(m.findResources('Custom::EventDataStoreImport')) as any[];
    expect(imp.Properties).toMatchObject({
      ImportSourceArn: orgStoreArn, CutoverLogGroupNames: `${MANAGEMENT},${DATA}`, StopIngestionAfterSeconds: '86400', CutoverMemberAccounts: `${DELEGATED},444444444444`,
    });
    m.resourceCountIs('AWS::ObservabilityAdmin::OrganizationTelemetryRule', 0);
    m.resourceCountIs('AWS::ObservabilityAdmin::OrganizationCentralizationRule', 0);
    m.resourceCountIs('Custom::TelemetryEvaluation', 0);
    expect(management.organizationTelemetryRule).toBeUndefined();
    expect(Annotations.fromStack(managementStack).findInfo('*', Match.stringLikeRegexp(`created by its stack in the delegated administrator account ${DELEGATED}`)))
      .toHaveLength(1);
  });

  test('the delegated administrator creates the organisation telemetry rule, its evaluation and the centralization rule, and imports nothing', () => {
    expect(delegated.imports).toEqual([]);
    d.resourceCountIs('Custom::EventDataStoreImport', 0);
    d.resourceCountIs('AWS::ObservabilityAdmin::OrganizationTelemetryRule', 1);
    d.hasResourceProperties('AWS::ObservabilityAdmin::OrganizationTelemetryRule', {
      Rule: { AllRegions: true, DestinationConfiguration: { CloudtrailParameters: { AdvancedEventSelectors: [{ Name: 'Management events' }, { Name: 'S3 writes' }] } } },
    });
    d.hasResourceProperties('Custom::TelemetryEvaluation', { Scope: 'ORGANIZATION' });
    d.hasResourceProperties('AWS::ObservabilityAdmin::OrganizationCentralizationRule', { Rule: { Destination: { Account: '444444444444' } } });
    // Nothing is read from the management account's store here.
    expect(JSON.stringify(d.toJSON())).not.toContain(orgStoreArn);
  });
});

describe('an organisation store read in every member account', () => {
  const MEMBERS = Array.from({ length: 50 }, (_, i) => String(200000000000 + i));
  const stack = newStack();
  new CloudTrailLakeMigration(stack, 'Migration', {
    stores: [MigrationSource.fromEventDataStoreArn(STORE_ARN, { advancedEventSelectors: DATA_SELECTORS, organizationEnabled: true })],
    organization: { ...ORG, memberAccountIds: MEMBERS },
    stopLakeIngestion: true,
  });
  const t = template(stack);

  test('the import lists the member accounts and the reader role; the orchestrator may assume that role in each and nowhere else', () => {
    const [imp] = Object.values(importResources(stack)) as any[];
    expect(imp.Properties).toMatchObject({ CutoverMemberAccounts: MEMBERS.join(','), CutoverMemberRoleName: 'cdk-eventdatastore-import-delivery-reader' });
    const assume = allStatements(t).filter((s) => s.Action === 'sts:AssumeRole');
    expect(assume).toHaveLength(1);
    expect(assume[0].Resource.map((r: any) => r['Fn::Join'][1].slice(-1)[0])).toEqual(MEMBERS.map((m) => `:iam::${m}:role/cdk-eventdatastore-import-delivery-reader`));
  });

  test('no warning about the cutover\'s reach', () => {
    expect(warnings(stack).filter((w) => w.includes('organizationCutover'))).toEqual([]);
  });
});

test('an organisation store without member accounts: the cutover\'s guarantee is stated for the management account only', () => {
  const stack = newStack();
  new CloudTrailLakeMigration(stack, 'Migration', {
    stores: [MigrationSource.fromEventDataStoreArn(STORE_ARN, { advancedEventSelectors: DATA_SELECTORS, organizationEnabled: true })],
    organization: ORG,
  });
  expect(warnings(stack)).toEqual([expect.stringMatching(/the cutover is measured on the management account's own log groups only .* a member account whose delivery starts later/)]);
  const [imp] = Object.values(importResources(stack)) as any[];
  expect(imp.Properties.CutoverMemberAccounts).toBeUndefined();
});

describe('MemberDeliveryReader', () => {
  test('a role the management account may assume, reading the ongoing CloudTrail groups of its own account in every region, nothing else', () => {
    const stack = newStack('Member', { account: '222222222222', region: REGION });
    const reader = new MemberDeliveryReader(stack, 'Reader', { managementAccountId: ACCOUNT });
    const t = template(stack);
    t.resourceCountIs('AWS::IAM::Role', 1);
    t.hasResourceProperties('AWS::IAM::Role', {
      RoleName: MemberDeliveryReader.DEFAULT_ROLE_NAME,
      AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${ACCOUNT}:root`]] } } }] },
    });
    const statements = allStatements(t, 'AWS::IAM::Policy');
    expect(statements).toHaveLength(1);
    expect(statements[0].Action).toBe('logs:FilterLogEvents');
    expect(statements[0].Resource.map((r: any) => r['Fn::Join'][1].slice(-1)[0])).toEqual([
      ':logs:*:222222222222:log-group:aws/cloudtrail/managementevents', ':logs:*:222222222222:log-group:aws/cloudtrail/managementevents:*',
      ':logs:*:222222222222:log-group:aws/cloudtrail/dataevents', ':logs:*:222222222222:log-group:aws/cloudtrail/dataevents:*',
    ]);
    expect(reader.role.node.id).toBe('Resource');
  });

  test.each([
    ['a bad management account', { managementAccountId: '1234' }, /^managementAccountId must be a 12-digit account ID, got "1234"/],
    ['the management account itself', { managementAccountId: '222222222222' }, /^managementAccountId: the stack Member is the management account \(222222222222\) itself/],
    ['a bad role name', { managementAccountId: ACCOUNT, roleName: 'no spaces' }, /^roleName must be an IAM role name/],
  ])('%s', (_name, props, message) => {
    const stack = newStack('Member', { account: '222222222222', region: REGION });
    expect(() => new MemberDeliveryReader(stack, 'Reader', props)).toThrow(message);
  });
});

test('a single-region store: telemetry evaluation for the current region only, like its rule', () => {
  const stack = newStack();
  new CloudTrailLakeMigration(stack, 'Migration', {
    stores: [MigrationSource.fromEventDataStoreArn(STORE_ARN, { advancedEventSelectors: DATA_SELECTORS, multiRegionEnabled: false })],
  });
  const t = template(stack);
  t.hasResourceProperties('AWS::ObservabilityAdmin::TelemetryRule', { Rule: { AllRegions: Match.absent() } });
  t.hasResourceProperties('Custom::TelemetryEvaluation', { Scope: 'ACCOUNT', AllRegions: Match.absent() });
});

test('cutoverRegions: the import measures those regions too, and the function may read their ongoing groups', () => {
  const stack = newStack();
  new CloudTrailLakeMigration(stack, 'Migration', { stores: [MigrationSource.fromEventDataStoreArn(STORE_ARN, { advancedEventSelectors: DATA_SELECTORS })], cutoverRegions: ['eu-west-1', 'ap-south-1'] });
  const t = template(stack);
  const [imp] = Object.values(importResources(stack)) as any[];
  expect(imp.Properties.CutoverRegions).toBe('eu-west-1,ap-south-1');
  const reads = JSON.stringify(allStatements(t).filter((st) => st.Action === 'logs:FilterLogEvents'));
  for (const region of [REGION, 'eu-west-1', 'ap-south-1']) {
    expect(reads).toContain(`:logs:${region}:${ACCOUNT}:log-group:${MANAGEMENT}`);
    expect(reads).toContain(`:logs:${region}:${ACCOUNT}:log-group:${DATA}`);
  }
});
