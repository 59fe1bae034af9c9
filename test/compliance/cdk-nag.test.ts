import * as fs from 'fs';
import * as path from 'path';
import { App, CfnResource, IPolicyValidationPluginBeta1, Stack, Validations } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
// cdk-nag's own rendering of resources in findings, to check the library's copy against it.
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import { IConstruct } from 'constructs';
import { ACCOUNT, CONFIGURATIONS, MIGRATION_CONFIGURATIONS, REGION, STORE_ARN, STRICT, synthesize, tempOutdir } from './configurations';
import { nag } from './nag';
import { CloudTrailLakeMigration, EventDataStoreImport, ImportSource } from '../../src';
import { DELIVERED_CATEGORIES } from '../../src/migration/event-selectors';
import { flattenReference, justifiedWildcards, NAG_V2_METADATA_KEY, NagV2Suppression } from '../../src/shared/compliance';

const ORCHESTRATOR_ID = 'cdk-eventdatastore-import.Orchestrator';
const TELEMETRY_EVALUATION_ID_PREFIX = 'cdk-eventdatastore-import.TelemetryEvaluation.';

function resourceAt(scope: IConstruct, constructPath: string): CfnResource {
  const found = scope.node.findAll().find((c) => c.node.path === constructPath);
  if (!CfnResource.isCfnResource(found)) throw new Error(`no CfnResource at ${constructPath}`);
  return found;
}

/**
 * Would cdk-nag v2 suppress this finding? v2 reads the resource's `cdk_nag` metadata: a suppression
 * applies when its id is the rule's id and, for a granular rule, one `applies_to` entry (a string,
 * or `{ regex: '/body/flags' }`) matches the finding. (v2 is not installed here; this is its
 * documented matching, NagSuppressionHelper.doesApply.)
 */
function suppressedByV2(resource: CfnResource, rule: string): boolean {
  const [, ruleId, finding] = /^([^[]+)(?:\[(.*)\])?$/.exec(rule)!;
  const suppressions: NagV2Suppression[] = resource.getMetadata(NAG_V2_METADATA_KEY)?.rules_to_suppress ?? [];
  return suppressions.some((s) => {
    if (s.id !== ruleId) return false;
    if (!s.applies_to) return true;
    if (finding === undefined) return false;
    return s.applies_to.some((a) => (typeof a === 'string' ? a === finding : v2Regex(a.regex).test(finding)));
  });
}

function v2Regex(text: string): RegExp {
  const m = /\/(.*)\/(.*)?/.exec(text);
  if (!m) throw new Error(`cdk-nag v2 would reject the regular expression ${text}`);
  return new RegExp(m[1], m[2] || '');
}

const ORCHESTRATOR_FUNCTION_PATH = `ImportStack/${ORCHESTRATOR_ID}/Handler/Resource`;

function handlerRuntime(scope: IConstruct): string {
  return (resourceAt(scope, ORCHESTRATOR_FUNCTION_PATH) as lambda.CfnFunction).runtime!;
}

/**
 * The newest Node.js runtime the loaded aws-cdk-lib knows: what cdk-nag's AwsSolutions-L1 compares
 * a function's runtime with (LambdaLatestVersion: the last of the family in `Runtime.ALL`).
 */
function newestNodeRuntime(): string {
  return lambda.Runtime.ALL.map((r) => r.name).filter((n) => /^nodejs\d/.test(n))
    .sort((a, b) => a.localeCompare(b, undefined, { numeric: true })).pop()!;
}

/** The library's Lambda functions: the orchestrator's one function (ServiceToken and steps). */
function libraryFunctions(scope: IConstruct): lambda.CfnFunction[] {
  return scope.node.findAll().filter((c): c is lambda.CfnFunction => c instanceof lambda.CfnFunction && isLibraryConstruct(c));
}

/**
 * AwsSolutions-L1 is found on every function whose runtime is not the newest the loaded aws-cdk-lib
 * knows: the function's runtime is pinned by the release (.projenrc.ts lambdaOptions.runtime), so
 * whether the rule is found depends on the aws-cdk-lib release; its acknowledgement does not.
 */
function l1Expected(scope: IConstruct): string[] {
  return libraryFunctions(scope).some((fn) => fn.runtime !== newestNodeRuntime()) ? ['AwsSolutions-L1'] : [];
}

/** Is this construct part of the library (the stack's orchestrator, an import, a migration and its telemetry evaluation)? */
function isLibraryConstruct(construct: IConstruct): boolean {
  return construct.node.scopes.some((s) => s instanceof EventDataStoreImport || s instanceof CloudTrailLakeMigration
    || s.node.id === ORCHESTRATOR_ID || s.node.id.startsWith(TELEMETRY_EVALUATION_ID_PREFIX));
}

describe.each(Object.keys(CONFIGURATIONS))('cdk-nag AwsSolutions and NIST 800-53 rev 5: %s', (name) => {
  const { app } = synthesize(CONFIGURATIONS[name]);

  test('no unsuppressed errors or warnings (cdk-nag v3)', () => {
    expect(nag(app)).toEqual([]);
  });

  test('every acknowledged finding is also suppressed for cdk-nag v2, on the same resource', () => {
    const raw = nag(app, { ignoreAcknowledgements: true });
    const notForV2 = raw.filter((f) => !suppressedByV2(resourceAt(app, f.path), f.rule));
    expect(notForV2).toEqual([]);
  });

  test('acknowledgements are on the library\'s own resources only', () => {
    const raw = nag(app, { ignoreAcknowledgements: true });
    expect(raw.filter((f) => !isLibraryConstruct(resourceAt(app, f.path)))).toEqual([]);
    const acknowledged = app.node.findAll().filter((c) => c.node.metadata.some((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY));
    expect(acknowledged.filter((c) => !isLibraryConstruct(c)).map((c) => c.node.path)).toEqual([]);
    expect(acknowledged.every((c) => CfnResource.isCfnResource(c))).toBe(true);
  });
});

describe('what the library acknowledges', () => {
  test('a default stack: the unavoidable wildcards and the choices only the user can make', () => {
    const { app } = synthesize(CONFIGURATIONS['waitForCompletion with RemovalPolicy.DESTROY']);
    const rules = [...new Set(nag(app, { ignoreAcknowledgements: true }).map((f) => f.rule.replace(/\[.*$/, '')))].sort();
    expect(rules).toEqual([
      'AwsSolutions-IAM5',
      ...l1Expected(app),
      'NIST.800.53.R5-CloudWatchLogGroupEncrypted',
      'NIST.800.53.R5-DynamoDBInBackupPlan',
      'NIST.800.53.R5-LambdaConcurrency',
      'NIST.800.53.R5-LambdaDLQ',
      'NIST.800.53.R5-LambdaInsideVPC',
    ]);
  });

  test.each(STRICT)('%s: VPC, reserved concurrency and log encryption are no longer acknowledged', (name) => {
    const { app } = synthesize(CONFIGURATIONS[name]);
    const rules = new Set(nag(app, { ignoreAcknowledgements: true }).map((f) => f.rule.replace(/\[.*$/, '')));
    // An AWS Backup plan for the ledger is the organisation's (no handler option makes one).
    expect([...rules].sort()).toEqual(['AwsSolutions-IAM5', ...l1Expected(app), 'NIST.800.53.R5-DynamoDBInBackupPlan', 'NIST.800.53.R5-LambdaDLQ']);
  });

  test('runtime: the orchestrator function\'s is pinned by the release, and it is the library\'s only function', () => {
    const { app } = synthesize(CONFIGURATIONS['minimal (fromEventDataStoreArn, all defaults)']);
    expect(libraryFunctions(app).map((fn) => fn.node.path)).toEqual([ORCHESTRATOR_FUNCTION_PATH]);
    const l1 = nag(app, { ignoreAcknowledgements: true }).filter((f) => f.rule === 'AwsSolutions-L1').map((f) => f.path);
    // Reported while its runtime (.projenrc.ts lambdaOptions.runtime) is not the newest aws-cdk-lib knows.
    expect(l1).toEqual(handlerRuntime(app) !== newestNodeRuntime() ? [ORCHESTRATOR_FUNCTION_PATH] : []);
  });

  test.each(Object.keys(CONFIGURATIONS))('%s: an outdated runtime is acknowledged on the library\'s function, for cdk-nag v2 and v3', (name) => {
    // So that a release of aws-cdk-lib that knows a newer runtime than the pinned one raises no
    // finding: give the function an old one and run the packs.
    const { app } = synthesize(CONFIGURATIONS[name]);
    const functions = libraryFunctions(app);
    expect(functions.map((fn) => fn.node.path)).toEqual([ORCHESTRATOR_FUNCTION_PATH]);
    for (const fn of functions) fn.runtime = lambda.Runtime.NODEJS_18_X.name;
    const raw = nag(app, { ignoreAcknowledgements: true }).filter((f) => f.rule === 'AwsSolutions-L1').map((f) => f.path);
    expect(raw.sort()).toEqual(functions.map((fn) => fn.node.path).sort());
    expect(nag(app).filter((f) => f.rule === 'AwsSolutions-L1')).toEqual([]);
    expect(functions.filter((fn) => !suppressedByV2(fn, 'AwsSolutions-L1')).map((fn) => fn.node.path)).toEqual([]);
  });

  test('every wildcard finding is acknowledged by its exact text (cdk-nag v3 has no prefix matching)', () => {
    const { app } = synthesize(CONFIGURATIONS['KMS-encrypted store (CfnEventDataStore with a kms.Key)']);
    const wildcards = nag(app, { ignoreAcknowledgements: true }).filter((f) => f.rule.startsWith('AwsSolutions-IAM5['));
    expect(wildcards.length).toBeGreaterThan(0);
    for (const f of wildcards) {
      const acknowledged = resourceAt(app, f.path).node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) => Object.keys(m.data).map((k) => k.replace(/^annotation::/i, '')));
      expect(acknowledged).toContain(f.rule);
    }
  });

  test('an import\'s store from another stack (Fn::ImportValue) is acknowledged by its final text', () => {
    const { app, outdir } = synthesize((stack) => {
      const storeStack = new Stack(stack.node.scope as App, 'StoreStack', { env: { account: ACCOUNT, region: REGION } });
      const store = new cloudtrail.CfnEventDataStore(storeStack, 'Store', {});
      new EventDataStoreImport(stack, 'Import', { source: ImportSource.fromEventDataStore(store) });
    });
    const template = fs.readFileSync(path.join(outdir, 'ImportStack.template.json'), 'utf8');
    expect(template).toContain('Fn::ImportValue');
    expect(nag(app, { ignoreAcknowledgements: true }).map((f) => f.rule)).toContainEqual(expect.stringMatching(/^AwsSolutions-IAM5\[Resource::.*StoreStack.*:log-stream:\*\]$/));
    expect(nag(app)).toEqual([]);
  });

  test('the user\'s own resources in the same stack are still checked', () => {
    const { app } = synthesize((stack) => {
      new EventDataStoreImport(stack, 'Import', { source: ImportSource.fromEventDataStoreArn(STORE_ARN) });
      const fn = new lambda.Function(stack, 'UserFunction', {
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => {};'),
      });
      fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['logs:DescribeImportTasks'], resources: ['*'] }));
      new logs.LogGroup(stack, 'UserLogs');
    });
    const findings = nag(app);
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => f.path.startsWith('ImportStack/User'))).toBe(true);
    expect(findings.map((f) => f.rule)).toEqual(expect.arrayContaining([
      'AwsSolutions-IAM5[Resource::*]',
      'AwsSolutions-L1',
      'NIST.800.53.R5-LambdaDLQ',
      'NIST.800.53.R5-CloudWatchLogGroupEncrypted',
    ]));
  });
});

describe('a migration\'s ongoing log groups', () => {
  const reads = (name: string) => {
    const { app } = synthesize(CONFIGURATIONS[name]);
    return { app, findings: nag(app, { ignoreAcknowledgements: true }).filter((f) => /log-group:aws\/cloudtrail\/(managementevents|dataevents)/.test(f.rule)) };
  };

  test('logs:FilterLogEvents names exactly the rule\'s log groups; the :* of each is acknowledged, with its reason, for cdk-nag v2 and v3', () => {
    const { app, findings } = reads('migration: store by ARN with data events, single region, historyStart, retention');
    expect(findings.map((f) => f.rule).sort()).toEqual(Object.values(DELIVERED_CATEGORIES).sort().map((group) =>
      `AwsSolutions-IAM5[Resource::arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${group}:*]`));
    for (const f of findings) {
      const policy = resourceAt(app, f.path);
      expect(suppressedByV2(policy, f.rule)).toBe(true);
      // Some aws-cdk-lib releases append the merged acknowledgements on every call: the distinct reasons count.
      const reasons = [...new Set(policy.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) => Object.entries<string>(m.data))
        // Newer aws-cdk-lib releases record the id qualified by its plugin ('Annotation::<rule>').
        .filter(([id]) => id === f.rule || id.endsWith(`::${f.rule}`)).map(([, reason]) => reason))];
      expect(reasons).toEqual([expect.stringContaining('CloudTrailLakeMigration reads the ongoing CloudTrail log group')]);
    }
    expect(nag(app)).toEqual([]);
  });

  test('a log group of the user\'s with a name alike is not covered by the acknowledgement', () => {
    const { app } = synthesize((stack) => {
      MIGRATION_CONFIGURATIONS['migration: account store of the app (migration defaults)'](stack);
      const user = new iam.Role(stack, 'UserReader', { assumedBy: new iam.AccountRootPrincipal() });
      user.addManagedPolicy(new iam.ManagedPolicy(stack, 'UserPolicy', {
        statements: [new iam.PolicyStatement({ actions: ['logs:FilterLogEvents'], resources: [`arn:aws:logs:${REGION}:${ACCOUNT}:log-group:aws/cloudtrail/managementevents:*`] })],
      }));
    });
    expect(nag(app).map((f) => `${f.path} ${f.rule}`)).toEqual([
      `ImportStack/UserPolicy/Resource AwsSolutions-IAM5[Resource::arn:aws:logs:${REGION}:${ACCOUNT}:log-group:aws/cloudtrail/managementevents:*]`,
    ]);
  });

  test('an import\'s stack, without a migration, carries no acknowledgement for them', () => {
    const { outdir } = synthesize(CONFIGURATIONS['minimal (fromEventDataStoreArn, all defaults)']);
    expect(fs.readFileSync(path.join(outdir, 'ImportStack.template.json'), 'utf8')).not.toContain('aws/cloudtrail/(managementevents');
  });
});

describe('cdk-nag v3 as a policy-validation plugin, at the loaded aws-cdk-lib', () => {
  // aws-cdk-lib gives plugins the construct tree (`appConstruct`, which cdk-nag v3 needs) from 2.258.0 on;
  // at 2.257.0 every pack fails with "NagPack requires a construct tree" and checks nothing (README, Security checks).
  const version = JSON.parse(fs.readFileSync(require.resolve('aws-cdk-lib/package.json'), 'utf8')).version as string;
  const treeExpected = Number(/^2\.(\d+)\./.exec(version)![1]) >= 258;
  const name = 'migration: organisation and account stores, centralization with a destination key and a backup region';

  function synthWithPlugins(): { report: any; failure?: string; treeGiven: boolean } {
    const outdir = tempOutdir();
    const exitCode = process.exitCode;
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    let failure: string | undefined;
    let treeGiven = false;
    const probe: IPolicyValidationPluginBeta1 = {
      name: 'probe',
      validate: (context) => {
        treeGiven = (context as any).appConstruct !== undefined;
        return { success: true, violations: [] };
      },
    };
    try {
      synthesize((stack) => {
        Validations.of(stack.node.root).addPlugins(probe, new AwsSolutionsChecks(), new NIST80053R5Checks());
        CONFIGURATIONS[name](stack);
      }, { outdir, context: { '@aws-cdk/core:validationReportJson': true } });
    } catch (e) {
      failure = String(e);
    } finally {
      quiet.mockRestore();
      if (process.exitCode !== exitCode) failure ??= `process.exitCode set to ${process.exitCode}`;
      process.exitCode = exitCode;
    }
    const file = path.join(outdir, 'policy-validation-report.json');
    return { report: fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : undefined, failure, treeGiven };
  }

  test(`aws-cdk-lib ${version} ${treeExpected ? 'gives' : 'does not give'} plugins the construct tree`, () => {
    expect(synthWithPlugins().treeGiven).toBe(treeExpected);
  });

  if (treeExpected) {
    test(`${name}: synthesis passes, every finding acknowledged`, () => {
      const { report, failure } = synthWithPlugins();
      expect(failure).toBeUndefined();
      // Only the cdk-nag packs' reports (newer releases add their own plugins, e.g. "CloudFormation Validate").
      const packs = (report?.pluginReports ?? []).filter((r: any) => ['AwsSolutions', 'NIST.800.53.R5'].includes(r.summary?.pluginName ?? r.pluginName));
      expect(packs.flatMap((r: any) => r.violations.map((v: any) => v.ruleName))).toEqual([]);
    });
  } else {
    test(`${name}: every pack fails for want of the construct tree, and synthesis fails (nothing is checked)`, () => {
      const { report, failure } = synthWithPlugins();
      expect(failure).toBeDefined();
      const errors = report.pluginReports.map((r: any) => r.summary.metadata?.error ?? r.metadata?.error);
      expect(errors).toEqual([expect.stringContaining('NagPack requires a construct tree'), expect.stringContaining('NagPack requires a construct tree')]);
    });
  }
});

describe('the cdk_nag metadata (cdk-nag v2 format)', () => {
  const { outdir } = synthesize(CONFIGURATIONS['waitForCompletion with RemovalPolicy.DESTROY']);
  const template = JSON.parse(fs.readFileSync(path.join(outdir, 'ImportStack.template.json'), 'utf8'));
  const entries = Object.entries<any>(template.Resources)
    .flatMap(([logicalId, r]) => (r.Metadata?.cdk_nag?.rules_to_suppress ?? []).map((s: any) => ({ logicalId, ...s })));

  test('is written into the template as { rules_to_suppress: [{ id, reason, applies_to? }] }', () => {
    expect(entries.length).toBeGreaterThan(0);
    for (const e of entries) {
      expect(Object.keys(e).sort()).toEqual(e.applies_to ? ['applies_to', 'id', 'logicalId', 'reason'] : ['id', 'logicalId', 'reason']);
    }
  });

  test('names granular findings in applies_to, never in the id (cdk-nag v2 rejects ids with a finding)', () => {
    for (const e of entries) expect(e.id).toMatch(/^(AwsSolutions|NIST\.800\.53\.R5)-[A-Za-z0-9]+$/);
    for (const e of entries.filter((x) => x.applies_to)) {
      expect(e.id).toBe('AwsSolutions-IAM5');
      for (const a of e.applies_to) expect(() => v2Regex(a.regex)).not.toThrow();
    }
  });

  test('reasons are plain ASCII (cdk-nag v2 base64-encodes anything else) and at least 10 characters', () => {
    for (const e of entries) {
      expect(e.reason).toMatch(/^[\x20-\x7e]{10,}$/);
    }
  });
});

describe('compliance helpers', () => {
  test.each([
    ['*'],
    ['arn:aws:logs:us-east-1:111111111111:log-group:x:*'],
    ['arn:${AWS::Partition}:logs:*'],
    [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':kms:us-east-1:111111111111:key/*']] }],
    [{ 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Fn', 'Arn'] }, ':*']] }],
    [{ 'Fn::Join': [':', [{ 'Fn::ImportValue': 'Export' }, { 'Fn::Select': [1, { 'Fn::Split': ['/', 'a/b'] }] }, '*']] }],
    [{ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::b/*' }],
    [{ Ref: 'Thing' }],
  ])('flattens %j as cdk-nag does', (value) => {
    expect(flattenReference(value)).toBe(flattenCfnReference(value));
  });

  function policyWith(statements: any[]): iam.CfnManagedPolicy {
    const stack = new Stack();
    return new iam.CfnManagedPolicy(stack, 'Policy', { policyDocument: { Version: '2012-10-17', Statement: statements } });
  }
  const importActions = { actions: ['logs:CreateImportTask', 'logs:DescribeImportTasks'], resource: '\\*', reason: 'no resource type for these' };

  test('acknowledges a wildcard only when every action of every statement using it is justified', () => {
    expect(justifiedWildcards(policyWith([
      { Effect: 'Allow', Action: 'logs:CreateImportTask', Resource: '*' },
    ]), [importActions])).toEqual([{ finding: 'Resource::*', reason: 'no resource type for these' }]);
    expect(justifiedWildcards(policyWith([
      { Effect: 'Allow', Action: 'logs:CreateImportTask', Resource: '*' },
      { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
    ]), [importActions])).toEqual([]);
    expect(justifiedWildcards(policyWith([
      { Effect: 'Allow', Action: ['logs:CreateImportTask', 'iam:PassRole'], Resource: '*' },
    ]), [importActions])).toEqual([]);
  });

  test('a justification applies only to resources its pattern matches', () => {
    expect(justifiedWildcards(policyWith([
      { Effect: 'Allow', Action: 'logs:CreateImportTask', Resource: 'arn:aws:logs:us-east-1:111111111111:*' },
    ]), [importActions])).toEqual([]);
  });
});
