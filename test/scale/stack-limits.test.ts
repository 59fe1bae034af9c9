import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { scaleApp, ScaleConfiguration } from './scale-apps';
import { limitViolations, MANAGED_POLICIES_PER_ROLE_CONTEXT, measureTemplate, renderTemplate, STACK_LIMITS } from '../../src/shared/stack-limits';

/** Synthesizes once: the error of the limits check, or the template's measurements (from the file synthesis wrote). */
function synth(configuration: ScaleConfiguration, n: number) {
  const { app, stack } = scaleApp(configuration, n);
  try {
    const assembly = app.synth();
    const artifact = assembly.getStackByName(stack.stackName);
    const rendered = Buffer.byteLength(JSON.stringify(artifact.template, undefined, 1));
    return { measured: measureTemplate(artifact.template), rendered, template: artifact.template };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

// Each cell: within every limit, or the named limit's error. The maxima: docs/BENCHMARKS.md, "Per-stack maxima".
const CASES: Array<[ScaleConfiguration, number, RegExp | undefined]> = [
  ['retain', 1, undefined], ['retain', 50, undefined], ['retain', 100, undefined], ['retain', 150, undefined],
  ['retain', 300, /stack Scale has 9\d\d resources \(300 imports\), over CloudFormation's limit of 500 per stack: split the event data stores over several stacks/],
  ['destroy', 1, undefined], ['destroy', 50, undefined], ['destroy', 100, undefined], ['destroy', 150, undefined],
  ['destroy', 300, /stack Scale has 9\d\d resources \(300 imports\), over CloudFormation's limit of 500 per stack/],
  ['key', 1, undefined], ['key', 50, undefined], ['key', 100, undefined], ['key', 150, undefined],
  ['key', 300, /stack Scale has 9\d\d resources \(300 imports\), over CloudFormation's limit of 500/],
  ['migration', 1, undefined], ['migration', 50, undefined], ['migration', 100, undefined],
  ['migration', 150, /stack Scale has 5\d\d resources \(150 imports\), over CloudFormation's limit of 500 per stack/],
  ['migration', 300, /resources \(300 imports\), over CloudFormation's limit of 500 per stack.*the template of stack Scale is [\d,]+ bytes \(300 imports\), over CloudFormation's limit of 1,000,000 bytes/s],
];

describe.each(CASES)('%s at %i stores', (configuration, n, expected) => {
  const result = synth(configuration, n);

  if (expected) {
    test('is the named synth error', () => {
      expect(result.error).toMatch(/^Validation failed with the following errors/);
      expect(result.error).toMatch(expected);
    });
    return;
  }

  test('fits every limit', () => {
    expect(result.error).toBeUndefined();
    const m = result.measured!;
    expect(limitViolations(m, 'Scale')).toEqual([]);
    expect(m.resources).toBeLessThanOrEqual(STACK_LIMITS.resources);
    expect(m.bytes).toBeLessThanOrEqual(STACK_LIMITS.templateBytes);
    expect(Math.max(...Object.values(m.managedPoliciesByRole))).toBeLessThanOrEqual(STACK_LIMITS.managedPoliciesPerRole);
    expect(Math.max(...Object.values(m.managedPolicyCharacters))).toBeLessThanOrEqual(STACK_LIMITS.managedPolicyCharacters);
    expect(Math.max(0, ...Object.values(m.logGroupsByQueryDefinition))).toBeLessThanOrEqual(STACK_LIMITS.logGroupsPerQueryDefinition);
  });

  test('the check measured the template synthesis wrote', () => {
    expect(result.measured!.bytes).toBe(result.rendered);
  });

  test('each import depends on the same few resources, whatever N (a linear template)', () => {
    const imports = Object.values<any>(result.template.Resources).filter((r) => r.Type === 'Custom::EventDataStoreImport');
    expect(imports).toHaveLength(n);
    // The function, the orchestration policy, the ledger, the state machine, the import role's policy (a migration: and the telemetry rule).
    expect(new Set(imports.map((r) => r.DependsOn.length))).toEqual(new Set([configuration === 'migration' ? 6 : 5]));
  });
});

test('the checks run on the template as synthesis renders it (a migration\'s saved queries: at most 50 log groups each)', () => {
  const { app, stack } = scaleApp('migration', 100);
  app.synth();
  const queries = Object.values<any>(renderTemplate(stack).Resources).filter((r) => r.Type === 'AWS::Logs::QueryDefinition');
  // 13 investigations, each in 3 parts of 49 imported groups + the ongoing one at most.
  expect(queries.length).toBe(13 * 3);
  expect(Math.max(...queries.map((q) => q.Properties.LogGroupNames.length))).toBe(50);
  expect(queries.every((q) => q.Properties.LogGroupNames.includes('aws/cloudtrail/managementevents'))).toBe(true);
  expect(queries.map((q) => q.Properties.Name)).toContain('CloudTrail Lake migration/Who changed what: write API calls, newest first (3 of 3)');
});

describe('each limit, one at a time', () => {
  function stackWith(build: (stack: Stack) => void, context: Record<string, unknown> = {}) {
    const app = new App({ context });
    const stack = new Stack(app, 'Limits', { env: { account: '111111111111', region: 'us-east-1' } });
    build(stack);
    return app;
  }
  const roleIn = (stack: Stack) => new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  const bigStatement = (n: number, i = 0) => new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: Array.from({ length: n }, (_, k) => `arn:aws:s3:::bucket-${i}-${k}/*`) });
  /** The limits check of the library is registered by its constructs; here it is registered by hand. */
  const checked = (build: (stack: Stack) => void, context?: Record<string, unknown>) => stackWith((stack) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('../../src/shared/stack-limits').checkStackLimits(stack);
    build(stack);
  }, context);

  test('managed policies per role: the count, the quota and what to do; a raised quota through context', () => {
    const build = (stack: Stack) => {
      const role = roleIn(stack);
      for (let i = 0; i < 11; i++) new iam.ManagedPolicy(stack, `P${i}`, { roles: [role], statements: [bigStatement(1, i)] });
    };
    expect(() => checked(build).synth()).toThrow(/role Role[0-9A-F]+ of stack Limits has 11 managed policies attached, over IAM's quota of 10 per role: split .*cdk-eventdatastore-import:managedPoliciesPerRole/);
    expect(() => checked(build, { [MANAGED_POLICIES_PER_ROLE_CONTEXT]: 12 }).synth()).not.toThrow();
    expect(() => checked(build, { [MANAGED_POLICIES_PER_ROLE_CONTEXT]: 30 }).synth()).toThrow(/context cdk-eventdatastore-import:managedPoliciesPerRole must be a whole number from 1 to 20/);
  });

  test('characters of a managed policy, counted without whitespace', () => {
    // 250 resources of about 30 characters: over 6,144.
    expect(() => checked((stack) => new iam.ManagedPolicy(stack, 'Big', { roles: [roleIn(stack)], statements: [bigStatement(250)] })).synth())
      .toThrow(/managed policy Big[0-9A-F]+ of stack Limits is [\d,]+ characters without whitespace, over IAM's limit of 6,144 per managed policy/);
    expect(() => checked((stack) => new iam.ManagedPolicy(stack, 'Small', { roles: [roleIn(stack)], statements: [bigStatement(150)] })).synth()).not.toThrow();
  });

  test('inline policies of a role together', () => {
    expect(() => checked((stack) => {
      const role = roleIn(stack);
      for (let i = 0; i < 3; i++) new iam.Policy(stack, `Inline${i}`, { roles: [role], statements: [bigStatement(120, i)] });
    }).synth()).toThrow(/the inline policies of role Role[0-9A-F]+ of stack Limits are [\d,]+ characters without whitespace together, over IAM's limit of 10,240 per role/);
  });

  test('outputs', () => {
    expect(() => checked((stack) => { for (let i = 0; i < 201; i++) new CfnOutput(stack, `O${i}`, { value: 'x' }); }).synth())
      .toThrow(/stack Limits has 201 outputs, over CloudFormation's limit of 200/);
  });

  test('log groups of a query definition', () => {
    expect(() => checked((stack) => new logs.CfnQueryDefinition(stack, 'Q', {
      name: 'q', queryString: 'fields @message', logGroupNames: Array.from({ length: 51 }, (_, i) => `g${i}`),
    })).synth()).toThrow(/query definition Q of stack Limits names 51 log groups, over Logs Insights' 50 per query/);
  });

  test('resources and template bytes: measured, with what to do', () => {
    const m = { ...measureTemplate({ Resources: {} }), resources: 501, bytes: 1_000_001, resourcesByType: { 'Custom::EventDataStoreImport': 160 } };
    expect(limitViolations(m, 'S')).toEqual([
      expect.stringMatching(/^stack S has 501 resources \(160 imports\), over CloudFormation's limit of 500 per stack: split the event data stores over several stacks/),
      expect.stringMatching(/^the template of stack S is 1,000,001 bytes \(160 imports\), over CloudFormation's limit of 1,000,000 bytes/),
    ]);
  });

  test('references count at their longest resolved length (a role ARN: its path and a 64-character name)', () => {
    const role = { Type: 'AWS::IAM::Role', Properties: { Path: '/p/' } };
    const policy = {
      Type: 'AWS::IAM::ManagedPolicy',
      Properties: { PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'iam:PassRole', Resource: { 'Fn::GetAtt': ['R', 'Arn'] } }] }, Roles: [{ Ref: 'R' }] },
    };
    const m = measureTemplate({ Resources: { R: role, P: policy } });
    const arn = 'arn:aws-us-gov:iam::123456789012:role/p/'.length + 64;
    expect(m.managedPolicyCharacters.P).toBe(JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'iam:PassRole', Resource: 'x'.repeat(arn) }] }).length);
    expect(m.managedPoliciesByRole.R).toBe(1);
  });
});
