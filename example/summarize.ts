/**
 * Prints what the synthesized example declares: the telemetry rules, each import and its cutover,
 * the saved queries, the roles and what they may do.
 * Usage: ts-node example/summarize.ts <cdk.out directory>
 */
import * as fs from 'fs';
import * as path from 'path';

const outdir = process.argv[2] ?? 'cdk.out';
const RULE_TYPES = ['AWS::ObservabilityAdmin::TelemetryRule', 'AWS::ObservabilityAdmin::OrganizationTelemetryRule'];

/** A CloudFormation value as a person reads it: `arn:${AWS::Partition}:...`, `${Store.EventDataStoreArn}`. */
function show(value: any): string {
  if (typeof value === 'string') return value;
  if (value?.Ref) return `\${${value.Ref}}`;
  if (value?.['Fn::GetAtt']) return `\${${value['Fn::GetAtt'].join('.')}}`;
  if (value?.['Fn::Join']) return value['Fn::Join'][1].map(show).join(value['Fn::Join'][0]);
  if (value?.['Fn::Select'] && value['Fn::Select'][1]?.['Fn::Split']) {
    const [index, { 'Fn::Split': [delimiter, source] }] = value['Fn::Select'];
    return `\${${show(source).replace(/^\$\{|\}$/g, '')} split by '${delimiter}' #${index}}`;
  }
  return JSON.stringify(value);
}
const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));

for (const [name, artifact] of Object.entries<any>(manifest.artifacts)) {
  if (artifact.type !== 'aws:cloudformation:stack') continue;
  const templatePath = path.join(outdir, artifact.properties.templateFile);
  const template = JSON.parse(fs.readFileSync(templatePath, 'utf8'));
  const resources: Record<string, any> = template.Resources ?? {};
  const byType = new Map<string, number>();
  for (const r of Object.values(resources)) byType.set(r.Type, (byType.get(r.Type) ?? 0) + 1);

  console.log(`\nStack ${name} (${artifact.environment}): ${Object.keys(resources).length} resources, ${fs.statSync(templatePath).size} bytes`);
  for (const [type, count] of [...byType].sort()) console.log(`  ${String(count).padStart(3)} x ${type}`);

  const rules = Object.entries(resources).filter(([, r]) => RULE_TYPES.includes(r.Type));
  if (rules.length > 0) console.log('\nTelemetry rules (ongoing events):');
  for (const [id, r] of rules) {
    const rule = r.Properties.Rule;
    const destination = rule.DestinationConfiguration ?? {};
    const selectors = destination.CloudtrailParameters?.AdvancedEventSelectors ?? [];
    console.log(`  ${r.Type === 'AWS::ObservabilityAdmin::OrganizationTelemetryRule' ? 'organisation rule' : 'rule'} ${id}: ${rule.ResourceType} ${rule.TelemetryType}` +
      ` to ${destination.DestinationType}${rule.AllRegions ? ', all regions' : ''}${rule.Scope ? `, scope ${rule.Scope}` : ''}`);
    console.log(`    selectors:     ${selectors.length} advanced event selector${selectors.length === 1 ? '' : 's'} (${selectors.map((x: any) => x.Name).join('; ')})`);
    console.log(`    retention:     ${destination.RetentionInDays} days`);
  }
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::ObservabilityAdmin::OrganizationCentralizationRule') continue;
    const { Source: source, Destination: destination } = r.Properties.Rule;
    console.log(`  centralization rule ${id}: ${source.Regions.join(', ')} (${source.Scope}) to account ${destination.Account} in ${destination.Region}`);
  }

  console.log('\nImports:');
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type !== 'Custom::EventDataStoreImport') continue;
    const p = r.Properties;
    const window = p.CutoverLogGroupNames
      ? `${p.StartEventTime ? new Date(Number(p.StartEventTime)).toISOString() : 'everything the store keeps'} .. the cutover, measured at deploy time`
      : p.LookbackMillis ? `last ${Number(p.LookbackMillis) / 86_400_000} days at deploy time`
        : p.StartEventTime ? `${new Date(Number(p.StartEventTime)).toISOString()} .. ${new Date(Number(p.EndEventTime)).toISOString()}`
          : 'everything in the retention period';
    console.log(`  ${id}`);
    console.log(`    source:        ${show(p.ImportSourceArn)}`);
    console.log(`    role:          ${show(p.ImportRoleArn)}`);
    console.log(`    window:        ${window}`);
    if (p.CutoverLogGroupNames) {
      // The cutover: the latest first ongoing event of these log groups, plus the overlap.
      console.log(`    cutover:       first ongoing event in ${p.CutoverLogGroupNames.split(',').join(' and ')}, plus an overlap of ${Number(p.CutoverOverlapSeconds) / 60} min` +
        ` (waits for it at most ${Number(p.CutoverTimeoutSeconds) / 3600} h)`);
      console.log(`    ingestion:     ${p.StopIngestionAfterSeconds
        ? `Lake ingestion stopped ${Number(p.StopIngestionAfterSeconds) / 3600} h after the cutover, once the import COMPLETED and ongoing events arrive`
        : 'Lake ingestion left on'}`);
    }
    // Without waiting, the resource completes once its owner record and execution exist; the import
    // queues for a slot and runs after the deployment.
    const wait = p.WaitForCompletion === 'true'
      ? `until the import has completed (queue included), at most ${p.TimeoutSeconds} s (CloudFormation ServiceTimeout ${p.ServiceTimeout} s)`
      : 'no: done once the import is durably scheduled; it queues and runs after the deployment';
    console.log(`    wait:          ${wait}`);
    console.log(`    removal:       ${p.RemovalPolicy}`);
  }

  const queries = Object.values(resources).filter((r) => r.Type === 'AWS::Logs::QueryDefinition');
  if (queries.length > 0) {
    const folders = [...new Set(queries.map((q) => String(q.Properties.Name).split('/')[0]))];
    console.log(`\nSaved queries: ${queries.length} Logs Insights queries in ${folders.map((f) => `'${f}'`).join(', ')}, over ${queries[0].Properties.LogGroupNames.length} log groups each`);
  }

  console.log('\nOrchestrator (one per stack):');
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type === 'AWS::DynamoDB::Table') console.log(`  ledger ${id}: ${r.Properties.BillingMode}, point-in-time recovery ${r.Properties.PointInTimeRecoverySpecification?.PointInTimeRecoveryEnabled ? 'on' : 'off'}, ${r.DeletionPolicy ?? 'Delete'} on stack deletion`);
    if (r.Type === 'AWS::StepFunctions::StateMachine') console.log(`  state machine ${id}: ${r.Properties.StateMachineType}, one execution per import request`);
    if (r.Type === 'AWS::Lambda::Function') console.log(`  function ${id}: ${r.Properties.Runtime}, the ServiceToken and every step`);
  }

  console.log('\nIAM:');
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type === 'AWS::IAM::Role') {
      const principals = r.Properties.AssumeRolePolicyDocument.Statement.map((s: any) => show(s.Principal.Service ?? s.Principal.AWS)).join(', ');
      console.log(`  role ${id}: trusted by ${principals}`);
    }
    if (r.Type === 'AWS::IAM::ManagedPolicy' || r.Type === 'AWS::IAM::Policy') {
      console.log(`  policy ${id}:`);
      for (const s of r.Properties.PolicyDocument.Statement) {
        const actions = [].concat(s.Action).join(', ');
        const res = [].concat(s.Resource).map(show).join(', ');
        console.log(`    ${s.Effect} ${actions} on ${res}${s.Condition ? ' when ' + JSON.stringify(s.Condition) : ''}`);
      }
    }
  }
}
