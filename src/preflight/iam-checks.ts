/**
 * The two roles of an import: the import role (trusts cloudtrail.amazonaws.com, reads the store,
 * creates the destination log group) and the deploy-time handler's role (starts and watches the
 * import, passes the import role). Permissions are asked of IAM's policy simulator, PassRole once
 * per value `iam:PassedToService` may take — and once without it — because AWS does not document
 * which one CreateImportTask sets.
 */
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { callFailed, lastPathSegment, offline, StackContext } from './context';
import { isResolved } from './intrinsics';
import { grantOf, namesService, parsePolicy, PolicyDocument } from './policy-reading';
import { CheckResult, couldNotCheck, fail, pass, warn } from './report';
import { customPolicySimulator, PolicySimulator, principalSimulator, SimulationRequest } from './simulation';
import { StoreFacts } from './store-checks';
import { DeclaredImport, handlerRoleOf, TemplateRole } from './template-reading';
import { errorName } from '../shared/aws-errors';

/** The service values of `iam:PassedToService` that PassRole is simulated with; `undefined`: the key absent. */
export const PASSED_TO_SERVICE_VALUES: ReadonlyArray<string | undefined> = ['cloudtrail.amazonaws.com', 'logs.amazonaws.com', undefined];

/** One thing a role must be allowed, and how to say it. */
export interface Need {
  readonly label: string;
  readonly request: SimulationRequest;
}

const IMPORT_API = ['logs:CreateImportTask', 'logs:DescribeImportTasks', 'logs:DescribeImportTaskBatches', 'logs:CancelImportTask'];

export async function checkImportRole(ctx: StackContext, imp: DeclaredImport, store: StoreFacts, keyArn: string | undefined): Promise<CheckResult[]> {
  if (!isResolved(imp.roleArn)) {
    return [couldNotCheck('import-role', 'the import role', 'ImportRoleArn is a value preflight cannot resolve from the template', 'Check the role by hand, or run preflight against the deployed stack (--stack).')];
  }
  const templateRole = ctx.roles.find((r) => r.arn === imp.roleArn);
  return [
    await trustCheck(ctx, imp.roleArn, templateRole),
    await permissionCheck(ctx, simulatorFor(ctx, imp.roleArn, templateRole), 'import-role-permissions',
      'the import role may do what the import needs', importRoleNeeds(ctx, store, keyArn),
      `Grant the import role ${imp.roleArn} these permissions (the construct's own role has them; a role you bring must too).`),
  ];
}

export async function checkHandlerRole(ctx: StackContext, imp: DeclaredImport, store: StoreFacts): Promise<CheckResult[]> {
  const handler = handlerRoleOf(ctx.roles);
  if (!handler) {
    return [fail('handler-role', 'the deploy-time handler\'s role', 'no role of the template may logs:CreateImportTask',
      'The template must give the handler\'s role logs:CreateImportTask (is it a template of this library?).')];
  }
  const simulator = simulatorFor(ctx, handler.arn, handler);
  const fixApi = `Grant the handler's role ${handler.arn} these permissions.`;
  const checks = [await permissionCheck(ctx, simulator, 'handler-permissions', 'the handler\'s role may start and watch the import and read the store', [
    ...IMPORT_API.map((action) => need(action, '*')),
    need('cloudtrail:GetEventDataStoreData', store.arn),
  ], fixApi)];
  for (const service of PASSED_TO_SERVICE_VALUES) {
    checks.push(await passRoleCheck(ctx, simulator, imp.roleArn, service));
  }
  return checks;
}

export function need(action: string, resource: string, context?: SimulationRequest['context']): Need {
  return { label: `${action} on ${resource}`, request: { action, resource, context } };
}

function importRoleNeeds(ctx: StackContext, store: StoreFacts, keyArn: string | undefined): Need[] {
  // The destination's name is aws/cloudtrail/<id> in AWS's examples, /aws/cloudtrail/<id> in one of its policies: both.
  const logGroups = [`aws/cloudtrail/${store.id}`, `/aws/cloudtrail/${store.id}`]
    .map((name) => `arn:${ctx.partition}:logs:${ctx.region}:${ctx.account}:log-group:${name}`);
  return [
    need('cloudtrail:GetEventDataStoreData', store.arn),
    ...logGroups.map((arn) => need('logs:CreateLogGroup', arn)),
    ...logGroups.map((arn) => need('logs:CreateLogStream', `${arn}:log-stream:import`)),
    need('logs:PutResourcePolicy', '*'),
    ...(keyArn ? ['kms:Decrypt', 'kms:GenerateDataKey'].map((action) => need(action, keyArn)) : []),
  ];
}

/** Simulates the template's policies for a role the deployment creates; the live role otherwise. */
export function simulatorFor(ctx: StackContext, roleArn: string, templateRole: TemplateRole | undefined): PolicySimulator | undefined {
  if (!ctx.clients) return undefined;
  let simulator = ctx.simulators.get(roleArn);
  if (!simulator) {
    simulator = templateRole && !ctx.resolver.exists(templateRole.logicalId)
      ? customPolicySimulator(ctx.clients.iam, `role ${templateRole.logicalId} as the template declares it`, templateRole.policies)
      : principalSimulator(ctx.clients.iam, roleArn);
    ctx.simulators.set(roleArn, simulator);
  }
  return simulator;
}

export async function permissionCheck(
  ctx: StackContext, simulator: PolicySimulator | undefined, id: string, title: string, needs: Need[], fix: string,
): Promise<CheckResult> {
  if (!simulator) return offline(ctx, id, title);
  let allowed: boolean[];
  try {
    allowed = await simulator.allows(needs.map((n) => n.request));
  } catch (e) {
    return callFailed(id, title, 'IAM policy simulation', 'iam:SimulatePrincipalPolicy and iam:SimulateCustomPolicy', e);
  }
  const denied = needs.filter((_n, i) => !allowed[i]);
  if (denied.length === 0) return pass(id, title, `${simulator.describedAs} allows ${needs.map((n) => n.label).join('; ')}`);
  const detail = `${simulator.describedAs} does not allow ${denied.map((n) => n.label).join('; ')}`;
  return deniedResult(simulator, denied.map((n) => n.request.action), id, title, detail, fix);
}

/** A denial is certain only when no statement that could allow the actions was left out of the simulation. */
function deniedResult(simulator: PolicySimulator, actions: string[], id: string, title: string, detail: string, fix: string): CheckResult {
  if (actions.some((a) => simulator.uncertainFor(a))) {
    return couldNotCheck(id, title, `${detail}, but some of its statements hold values preflight cannot resolve and were left out`, 'Check those statements by hand, or run preflight against the deployed stack (--stack).');
  }
  return fail(id, title, detail, fix);
}

async function passRoleCheck(
  ctx: StackContext, simulator: PolicySimulator | undefined, roleArn: string, service: string | undefined,
): Promise<CheckResult> {
  const id = `pass-role:${service ?? 'absent'}`;
  const title = service ? `the handler may pass the import role when iam:PassedToService = ${service}` : 'the handler may pass the import role when iam:PassedToService is absent';
  if (!simulator) return offline(ctx, id, title);
  const context = service ? { key: 'iam:PassedToService', value: service } : undefined;
  let allowed: boolean;
  try {
    [allowed] = await simulator.allows([{ action: 'iam:PassRole', resource: roleArn, context }]);
  } catch (e) {
    return callFailed(id, title, 'IAM policy simulation', 'iam:SimulatePrincipalPolicy and iam:SimulateCustomPolicy', e);
  }
  if (allowed) return pass(id, title, `${simulator.describedAs} allows iam:PassRole on ${roleArn}`);
  return deniedResult(simulator, ['iam:PassRole'], id, title, `${simulator.describedAs} does not allow iam:PassRole on ${roleArn} ${service ? `with iam:PassedToService = ${service}` : 'without iam:PassedToService'}`,
    'AWS does not document which value CreateImportTask gives iam:PassedToService (or whether it sets it): condition the PassRole statement with StringEqualsIfExists on [cloudtrail.amazonaws.com, logs.amazonaws.com], keeping the resource pinned to the import role.');
}

async function trustCheck(ctx: StackContext, roleArn: string, templateRole: TemplateRole | undefined): Promise<CheckResult> {
  const id = 'import-role-trust';
  const title = 'the import role trusts cloudtrail.amazonaws.com';
  let trustPolicy: PolicyDocument | undefined;
  if (templateRole && !ctx.resolver.exists(templateRole.logicalId)) {
    trustPolicy = templateRole.trustPolicy;
  } else if (!ctx.clients) {
    return offline(ctx, id, title);
  } else {
    try {
      const role = (await ctx.clients.iam.send(new GetRoleCommand({ RoleName: lastPathSegment(roleArn) }))).Role;
      trustPolicy = parsePolicy(role?.AssumeRolePolicyDocument);
    } catch (e) {
      if (errorName(e) === 'NoSuchEntityException') {
        return fail(id, title, `IAM has no role ${roleArn}`, 'Create the role, or give the import a role that exists: CreateImportTask cannot pass a missing role.');
      }
      return callFailed(id, title, 'GetRole', `iam:GetRole on ${roleArn}`, e);
    }
  }
  return trustResult(trustPolicy);
}

export function trustResult(trustPolicy: PolicyDocument | undefined): CheckResult {
  const id = 'import-role-trust';
  const title = 'the import role trusts cloudtrail.amazonaws.com';
  switch (grantOf(trustPolicy, 'sts:AssumeRole', (s) => namesService(s, 'cloudtrail.amazonaws.com'))) {
    case 'allowed':
      return pass(id, title, 'its trust policy allows cloudtrail.amazonaws.com sts:AssumeRole');
    case 'allowed-with-conditions':
      return warn(id, title, 'cloudtrail.amazonaws.com may assume it only under conditions',
        'AWS documents no aws:SourceArn / aws:SourceAccount values for this use: if the import fails with AccessDenied, drop the conditions.');
    default:
      return fail(id, title, 'its trust policy does not let cloudtrail.amazonaws.com assume it',
        'Add a trust policy statement: {"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"sts:AssumeRole"}.');
  }
}
