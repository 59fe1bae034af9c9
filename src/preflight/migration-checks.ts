/**
 * A `CloudTrailLakeMigration`'s parts: its telemetry rules (`AWS::ObservabilityAdmin::TelemetryRule`,
 * `...::OrganizationTelemetryRule`) and the imports whose window ends at the cutover
 * (`CutoverLogGroupNames`). For a store by ARN, the rule's advanced event selectors must be the
 * store's (else the rule delivers other events than Lake collects); the store should still ingest;
 * an organisation rule is created from the management or delegated administrator account; and the
 * orchestrator's role must read the ongoing log groups (and, with `StopIngestionAfterSeconds`, stop
 * the store's ingestion).
 */
import { callFailed, offline, StackContext } from './context';
import { need, Need, permissionCheck, simulatorFor } from './iam-checks';
import { isResolved } from './intrinsics';
import { CheckResult, couldNotCheck, fail, info, pass, warn } from './report';
import { StoreFacts } from './store-checks';
import { DeclaredImport, DeclaredTelemetryRule, declaredTelemetryRules, handlerRoleOf } from './template-reading';
import { classifyError, errorMessage, errorName } from '../shared/aws-errors';
import { TELEMETRY_EVALUATION_RESOURCE_TYPE } from '../telemetry-evaluation/contract';

/** The operators of an advanced field selector, as CloudFormation and the CloudTrail API spell them, and how they are shown. */
const OPERATORS: ReadonlyArray<readonly [string, string]> = [
  ['Equals', '='], ['StartsWith', '^='], ['EndsWith', '$='], ['NotEquals', '!='], ['NotStartsWith', '!^='], ['NotEndsWith', '!$='],
];

/** What CloudTrail collects for a store created without selectors (GetEventDataStore returns them, normally). */
const DEFAULT_SELECTORS = [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] }];

/** The rule an import's cutover waits for: the one it depends on, or the template's only rule. */
export function ruleOfImport(imp: DeclaredImport, rules: readonly DeclaredTelemetryRule[]): DeclaredTelemetryRule | undefined {
  return rules.find((r) => imp.dependsOn.includes(r.logicalId)) ?? (rules.length === 1 ? rules[0] : undefined);
}

/** The stack's checks of its organisation telemetry rules: which account they are created from (information; the caller's, from GetCallerIdentity). */
export function organizationRuleChecks(ctx: StackContext, callerAccount: string | undefined): CheckResult[] {
  return declaredTelemetryRules(ctx.resolver).filter((r) => r.organization).map((r) => info(
    `organization-rule:${r.logicalId}`,
    `the organisation telemetry rule ${r.logicalId} is created from the management or delegated administrator account`,
    `organisation rules are created from the management or delegated administrator account; this is ${callerAccount ?? ctx.account}`,
  ));
}

/**
 * Per scope of the stack's telemetry rules (the account, the organisation): the CloudTrail telemetry
 * rules that exist already. A scope takes one CloudTrail rule, and the deployment fails on any
 * other than the stack's own or those adopted (`adoptTelemetryRuleNames`), as this check does.
 */
export async function ruleConflictChecks(ctx: StackContext): Promise<CheckResult[]> {
  const rules = declaredTelemetryRules(ctx.resolver);
  const checks: CheckResult[] = [];
  for (const organization of [false, true]) {
    const own = rules.filter((r) => r.organization === organization);
    if (own.length > 0) checks.push(await ruleConflictCheck(ctx, organization, own.map((r) => r.ruleName)));
  }
  return checks;
}

async function ruleConflictCheck(ctx: StackContext, organization: boolean, own: string[]): Promise<CheckResult> {
  const scope = organization ? 'organisation' : 'account';
  const id = organization ? 'rule-conflicts-organization' : 'rule-conflicts';
  const title = `the ${scope} has no CloudTrail telemetry rule besides the stack's own (or those adopted)`;
  if (!ctx.clients) return offline(ctx, id, title);
  const operation = organization ? 'ListTelemetryRulesForOrganization' : 'ListTelemetryRules';
  let found;
  try {
    found = await ctx.clients.observabilityAdmin.listTelemetryRules(organization);
  } catch (e) {
    if (classifyError(e) === 'permissions') {
      return couldNotCheck(id, title, `access denied: ${operation} failed: ${errorName(e)}: ${errorMessage(e)}`,
        `Run preflight with credentials that may observabilityadmin:${operation}${organization ? ' (from the management or delegated administrator account)' : ''}, ` +
        `or list the rules by hand: \`aws observabilityadmin list-telemetry-rules${organization ? '-for-organization' : ''}\`.`);
    }
    return callFailed(id, title, operation, `observabilityadmin:${operation}`, e);
  }
  const adopted = adoptedRuleNames(ctx, organization);
  const others = found.filter((r) => r.ResourceType === 'AWS::CloudTrail' && r.RuleName !== undefined && !own.includes(r.RuleName));
  const accepted = others.filter((r) => adopted.includes(r.RuleName!)).map((r) => r.RuleName!);
  const conflicts = others.filter((r) => !adopted.includes(r.RuleName!)).map((r) => r.RuleName!);
  const adoptedText = accepted.length > 0 ? `; adopted (adoptTelemetryRuleNames): ${accepted.join(', ')}` : '';
  if (conflicts.length === 0) {
    return pass(id, title, `${found.length} telemetry rule${found.length === 1 ? '' : 's'} listed, no other CloudTrail rule${adoptedText}`);
  }
  const command = `aws observabilityadmin delete-telemetry-rule${organization ? '-for-organization' : ''} --rule-identifier <name> --region ${ctx.region}`;
  return fail(id, title,
    `the ${scope} already has the CloudTrail telemetry rule${conflicts.length === 1 ? '' : 's'} ${conflicts.join(', ')}: a second CloudTrail rule in a scope is ` +
    `rejected, and with conflicting rules none of them is applied; the deployment would fail${adoptedText}`,
    `Delete ${conflicts.length === 1 ? 'it' : 'each'} if this migration replaces it (\`${command}\`), or adopt it: ` +
    `adoptTelemetryRuleNames: [${conflicts.map((n) => `'${n}'`).join(', ')}] on the CloudTrailLakeMigration.`);
}

/** The names the template's telemetry evaluation of the scope tolerates (its AdoptedCloudTrailRuleNames). */
function adoptedRuleNames(ctx: StackContext, organization: boolean): string[] {
  const evaluation = Object.values(ctx.resolver.resources).find((r) => r.Type === TELEMETRY_EVALUATION_RESOURCE_TYPE &&
    ctx.resolver.resolve(r.Properties?.Scope) === (organization ? 'ORGANIZATION' : 'ACCOUNT'));
  const names = ctx.resolver.resolve(evaluation?.Properties?.AdoptedCloudTrailRuleNames);
  return typeof names === 'string' ? names.split(',').map((n) => n.trim()).filter((n) => n.length > 0 && isResolved(n)) : [];
}

/** The checks of a migration's import (one with `CutoverLogGroupNames`); none for a plain import. */
export async function checkMigrationImport(
  ctx: StackContext, imp: DeclaredImport, store: StoreFacts, imports: readonly DeclaredImport[],
): Promise<CheckResult[]> {
  if (!imp.cutoverLogGroupNames) return [];
  const rules = declaredTelemetryRules(ctx.resolver);
  const rule = ruleOfImport(imp, rules);
  const users = imports.filter((i) => i.cutoverLogGroupNames && ruleOfImport(i, rules) === rule).length;
  const checks: CheckResult[] = [];
  // A store of the app: the construct translated its own selectors. By ARN: they were typed in, and may differ.
  if (imp.storeLogicalId === undefined) checks.push(selectorsCheck(imp, store, rule, users > 1));
  if (store.live) checks.push(ingestionCheck(store, imp.stopsIngestion === true));
  checks.push(await orchestratorPermissionsCheck(ctx, imp, store));
  return checks;
}

function selectorsCheck(imp: DeclaredImport, store: StoreFacts, rule: DeclaredTelemetryRule | undefined, shared: boolean): CheckResult {
  const id = 'migration-selectors';
  const title = 'the telemetry rule delivers the events Lake collects (its advanced event selectors are the store\'s)';
  if (!rule) {
    return couldNotCheck(id, title, `no AWS::ObservabilityAdmin::TelemetryRule or OrganizationTelemetryRule of the template is the one ${imp.logicalId} waits for`,
      'Check the rule\'s AdvancedEventSelectors by hand against `aws cloudtrail get-event-data-store`.');
  }
  if (!store.live) {
    return couldNotCheck(id, title, 'the store could not be read (see the store checks)', 'Fix what stopped GetEventDataStore, then run preflight again.');
  }
  const ruleSelectors = normalize(rule.advancedEventSelectors);
  if (!ruleSelectors) {
    return couldNotCheck(id, title, `the AdvancedEventSelectors of ${rule.logicalId} are values preflight cannot resolve from the template`,
      'Check them by hand against `aws cloudtrail get-event-data-store`.');
  }
  const storeSelectors = normalize(store.live.AdvancedEventSelectors ?? DEFAULT_SELECTORS) ?? [];
  const missing = storeSelectors.filter((s) => !ruleSelectors.includes(s));
  // A rule of several stores holds the others' selectors too (they are OR-ed): selectors beyond the store's count only for a rule of one store.
  const extra = shared ? [] : ruleSelectors.filter((s) => !storeSelectors.includes(s));
  if (missing.length === 0 && extra.length === 0) {
    return pass(id, title, `${rule.logicalId} and ${store.arn} select ${show(storeSelectors)}`);
  }
  return fail(id, title,
    `${rule.logicalId} would deliver different events than Lake collects for ${store.arn}: the store selects ${show(storeSelectors)}; the rule selects ${show(ruleSelectors)}`,
    'Give MigrationSource.fromEventDataStoreArn the store\'s advancedEventSelectors as `aws cloudtrail get-event-data-store` shows them, then synthesize again.');
}

function ingestionCheck(store: StoreFacts, stopsIngestion: boolean): CheckResult {
  const id = 'migration-store-ingestion';
  const title = 'the store still ingests (its Lake ingestion is not stopped already)';
  const status = store.live?.Status ?? 'UNKNOWN';
  if (status !== 'STOPPED_INGESTION' && status !== 'STOPPING_INGESTION') return pass(id, title, status);
  const nothingToStop = stopsIngestion ? 'stopLakeIngestion has nothing to stop; ' : '';
  return warn(id, title,
    `${status}: Lake collects no new events. ${nothingToStop}the cutover would still be measured on the ongoing log groups, and events between the stop and the rule's first delivery are in neither`,
    `Start ingestion (\`aws cloudtrail start-event-data-store-ingestion --event-data-store ${store.arn}\`) before deploying, or accept that gap.`);
}

async function orchestratorPermissionsCheck(ctx: StackContext, imp: DeclaredImport, store: StoreFacts): Promise<CheckResult> {
  const id = 'migration-permissions';
  const title = imp.stopsIngestion
    ? 'the orchestrator\'s role may read the ongoing log groups and stop the store\'s Lake ingestion'
    : 'the orchestrator\'s role may read the ongoing log groups';
  const handler = handlerRoleOf(ctx.roles);
  if (!handler) {
    return fail(id, title, 'no role of the template may logs:CreateImportTask', 'The template must give the orchestrator\'s role logs:CreateImportTask (is it a template of this library?).');
  }
  const needs: Need[] = (imp.cutoverLogGroupNames ?? [])
    .map((name) => need('logs:FilterLogEvents', `arn:${ctx.partition}:logs:${ctx.region}:${ctx.account}:log-group:${name}`));
  if (imp.stopsIngestion) needs.push(need('cloudtrail:StopEventDataStoreIngestion', store.arn));
  return permissionCheck(ctx, simulatorFor(ctx, handler.arn, handler), id, title, needs, `Grant the orchestrator's role ${handler.arn} these permissions.`);
}

/** Selectors as sorted, name-less strings (`undefined`: not a list preflight can read). */
function normalize(selectors: unknown): string[] | undefined {
  if (!Array.isArray(selectors)) return undefined;
  const out: string[] = [];
  for (const selector of selectors) {
    const fields = (selector as { FieldSelectors?: unknown })?.FieldSelectors;
    if (!Array.isArray(fields)) return undefined;
    const parts: string[] = [];
    for (const f of fields as Array<Record<string, unknown>>) {
      if (!isResolved(f?.Field)) return undefined;
      for (const [op, sign] of OPERATORS) {
        const values = f[op];
        if (values === undefined) continue;
        if (!Array.isArray(values) || !values.every((v) => isResolved(v))) return undefined;
        parts.push(`${f.Field}${sign}${[...values].sort().join(',')}`);
      }
    }
    out.push(`[${parts.sort().join(', ')}]`);
  }
  return [...new Set(out)].sort();
}

function show(selectors: readonly string[]): string {
  return selectors.length === 0 ? '(nothing)' : selectors.join(' | ');
}
