/**
 * The README's full example and its migration example, as a user copies them: its code block is compiled and run as the body of
 * a stack (as jsii-rosetta's fixture does), with `cdk-eventdatastore-import` being this library.
 * The app synthesizes, gives no warning, and cdk-nag finds nothing: the library's findings are
 * acknowledged by the library, and the user's own (grantRead's `:*`) by the example itself.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as ts from 'typescript';
import * as library from '../src';
import { synthesize } from './compliance/configurations';
import { nag } from './compliance/nag';
import { warnings } from './event-data-store-import/fixtures';
import { INVESTIGATION_QUERIES } from '../src/migration/investigation-queries';

const README = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');

/** The first TypeScript block after the heading. */
function example(heading: string): string {
  const section = README.slice(README.indexOf(`\n${heading}\n`));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  if (!match) throw new Error(`no TypeScript example under ${heading} in README.md`);
  return match[1];
}

/**
 * Runs an example as the body of the stack's constructor: `this` is the stack. `declared` gives the
 * values of the example's `declare const`s (which compile to nothing).
 */
function runAsStackBody(code: string, stack: Stack, declared: Record<string, unknown> = {}): void {
  const lines = code.split('\n');
  const imports = lines.filter((l) => l.startsWith('import '));
  const body = lines.filter((l) => !l.startsWith('import '));
  const source = `${imports.join('\n')}\nexport function build(this: any) {\n${body.join('\n')}\n}\n`;
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 } }).outputText;
  const exports: { build?: (this: Stack) => void } = {};
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const requireForExample = (id: string) => (id === 'cdk-eventdatastore-import' ? library : require(id));
  new Function('require', 'exports', ...Object.keys(declared), js)(requireForExample, exports, ...Object.values(declared));
  exports.build!.call(stack);
}

describe('the README\'s full example', () => {
  const { app, stack } = synthesize((s) => runAsStackBody(example('## A full example'), s));

  test('synthesizes, with both imports', () => {
    Template.fromStack(stack).resourceCountIs('Custom::EventDataStoreImport', 2);
  });

  test('gives no warning', () => {
    expect(warnings(stack)).toEqual([]);
  });

  test('has no cdk-nag finding (AwsSolutions, NIST 800-53 rev 5), the user\'s grantRead acknowledged as shown', () => {
    expect(nag(app)).toEqual([]);
  });

  test('without acknowledgements, the findings on the user\'s role are the two the example acknowledges', () => {
    const raw = nag(app, { ignoreAcknowledgements: true });
    const users = raw.filter((f) => f.path.startsWith('ImportStack/Auditors/')).map((f) => f.rule).sort();
    expect(users).toEqual(['AwsSolutions-IAM5[Resource::arn:aws:logs:us-east-1:111111111111:log-group:aws/cloudtrail/0b4f7f2a-7a4d-4d4e-9c1e-5c3b2f6d8e90:*]', 'NIST.800.53.R5-IAMNoInlinePolicy']);
  });
});

describe('the README\'s migration example', () => {
  const { stack } = synthesize((s) => runAsStackBody(example('## Migrating from CloudTrail Lake'), s));
  const t = Template.fromStack(stack);

  test('synthesizes: a telemetry rule, an import per store ending at the cutover, Lake ingestion stopped after 24 hours, the saved queries', () => {
    t.resourceCountIs('AWS::ObservabilityAdmin::TelemetryRule', 1);
    t.resourceCountIs('Custom::TelemetryEvaluation', 1);
    const imports = Object.values(t.findResources('Custom::EventDataStoreImport')) as any[];
    expect(imports.map((i) => i.Properties)).toEqual([
      expect.objectContaining({ CutoverLogGroupNames: 'aws/cloudtrail/managementevents,aws/cloudtrail/dataevents', CutoverOverlapSeconds: '900', StopIngestionAfterSeconds: '86400' }),
      expect.objectContaining({ CutoverLogGroupNames: 'aws/cloudtrail/managementevents', CutoverOverlapSeconds: '900', StopIngestionAfterSeconds: '86400' }),
    ]);
    // No historyStart (rosetta cannot translate a date): everything each store keeps.
    expect(imports.map((i) => i.Properties.StartEventTime)).toEqual([undefined, undefined]);
    t.resourceCountIs('AWS::Logs::QueryDefinition', INVESTIGATION_QUERIES.length);
  });

  test('gives no warning', () => {
    expect(warnings(stack)).toEqual([]);
  });

  test('the history start the prose gives, in TypeScript, is what the migration imports from', () => {
    const given = /`historyStart: new Date\('([^']+)'\)` in TypeScript/.exec(README);
    expect(given).not.toBeNull();
    const code = example('## Migrating from CloudTrail Lake').replace('  stopLakeIngestion: true,', `  historyStart: new Date('${given![1]}'),\n  stopLakeIngestion: true,`);
    const withStart = Template.fromStack(synthesize((s) => runAsStackBody(code, s)).stack);
    const starts = Object.values(withStart.findResources('Custom::EventDataStoreImport')).map((i: any) => i.Properties.StartEventTime);
    expect(starts).toEqual([String(Date.parse(given![1])), String(Date.parse(given![1]))]);
  });

  test('cdk-nag (AwsSolutions, NIST 800-53 rev 5) finds nothing on it; the library\'s own findings are there, acknowledged', () => {
    expect(nag(stack.node.root)).toEqual([]);
    // Not a pack that checks nothing: without the acknowledgements, the library's known findings show.
    expect(nag(stack.node.root, { ignoreAcknowledgements: true }).length).toBeGreaterThan(0);
  });

  test('the README states the overlap exactly: the earlier group of a store with management and data events duplicates more than cutoverOverlap', () => {
    expect(README).not.toContain('at most the events of `cutoverOverlap` are in both');
    expect(README.replace(/\s+/g, ' ')).toContain('it is `cutoverOverlap` plus the time between the two first events');
  });

  test('the README\'s IAM table lists every action the orchestrator function of a migration is granted', () => {
    const table = README.slice(README.indexOf('## The IAM it grants, and why'), README.indexOf('KMS keys are recognised in every form'));
    const app = new App();
    const s = new Stack(app, 'IamTable', { env: { account: '111111111111', region: 'us-east-1' } });
    new library.CloudTrailLakeMigration(s, 'M', {
      stores: [
        library.MigrationSource.fromEventDataStore(new cloudtrail.CfnEventDataStore(s, 'OrgStore', { organizationEnabled: true })),
        library.MigrationSource.fromEventDataStore(new cloudtrail.CfnEventDataStore(s, 'Store', {})),
      ],
      organization: { organizationId: 'o-a1b2c3d4e5', managementAccountId: '111111111111', memberAccountIds: ['222222222222'] },
      stopLakeIngestion: true,
      cutoverRegions: ['eu-west-1'],
      removalPolicy: RemovalPolicy.DESTROY,
      ongoingEncryptionKey: new kms.Key(s, 'Key'),
    });
    const policies = Object.values(Template.fromStack(s).findResources('AWS::IAM::ManagedPolicy')) as any[];
    const handlerActions = policies
      .filter((p) => JSON.stringify(p.Properties.Roles ?? []).includes('HandlerRole'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement.flatMap((st: any) => [st.Action].flat()));
    expect(handlerActions).toContain('organizations:EnableAWSServiceAccess');
    for (const action of new Set<string>(handlerActions)) {
      expect(`${action}: ${table.includes(`\`${action}\``) || table.includes(`\`${action.split(':')[1]}\``)}`).toBe(`${action}: true`);
    }
    expect(table).toContain('logs.<region>.amazonaws.com');
  });

  test('the README says how many queries it saves', () => {
    expect(README).toContain(`| ${INVESTIGATION_QUERIES.length} saved Logs Insights queries (folder \`CloudTrail Lake migration\`)`);
  });
});
