/**
 * CloudFormation's requests for `Custom::TelemetryEvaluation`, served by the orchestrator function
 * (the stack's one deploy-time function): Create and Update see that the account's (or the
 * organization's) telemetry evaluation is RUNNING, starting it when it is not; Delete never stops
 * it (other telemetry rules and the CloudWatch console rely on it).
 *
 * Whether StartTelemetryEvaluation on an evaluation that already runs succeeds or fails is not
 * documented: the status is read first, Start is called only when it is not running or starting,
 * and a Start that fails while the status afterwards is RUNNING or STARTING counts as started.
 */
import {
  isTelemetryEvaluationScope, physicalIdOf, TelemetryEvaluationProperties, TelemetryEvaluationScope,
} from './contract';
import { CloudFormationRequest } from '../orchestrator/request';
import { answer, AnswerRuntime, replyTo } from '../orchestrator/responses';
import { classifyError, errorMessage, errorName } from '../shared/aws-errors';
import type { ObservabilityAdminOperation, StartTelemetryEvaluationInput, TelemetryEvaluationState, TelemetryRuleSummary } from '../shared/observability-admin';

/** The four calls, as the hand-made client (or, later, the SDK client behind an adapter) offers them. */
export interface TelemetryEvaluationApi {
  getTelemetryEvaluationStatus(): Promise<TelemetryEvaluationState>;
  startTelemetryEvaluation(input?: StartTelemetryEvaluationInput): Promise<void>;
  getTelemetryEvaluationStatusForOrganization(): Promise<TelemetryEvaluationState>;
  startTelemetryEvaluationForOrganization(input?: StartTelemetryEvaluationInput): Promise<void>;
  listTelemetryRules(organization: boolean): Promise<TelemetryRuleSummary[]>;
}

export interface TelemetryEvaluationRuntime extends AnswerRuntime {
  readonly observabilityAdmin: TelemetryEvaluationApi;
  /** Real time per unit of the function's own waits: 1 when deployed (see runtime.ts). */
  readonly timeScale: number;
}

/** How often the status is read while it changes. */
export const POLL_INTERVAL_MS = 10_000;
/** How long a request waits for RUNNING (the function has 6 minutes; the rest is for the answer). */
export const WAIT_BUDGET_MS = 5 * 60_000;

/** Statuses from which Start is called. */
const STARTABLE = ['NOT_STARTED', 'STOPPED', 'FAILED_START', 'FAILED_STOP'];

// What the organization calls answer when the account may not make them (matched on name and message).
const NOT_MANAGEMENT_ACCOUNT = /management account|master account|delegated admin|ManagementAccount|MasterAccount/i;
const TRUSTED_ACCESS = /trusted access|TRUSTED_ACCESS|service access|AWSServiceAccessNotEnabled/i;
const NOT_IN_ORGANIZATION = /not (a member of|in|part of) an? (aws )?organi[sz]ation|AWSOrganizationsNotInUse|OrganizationNotFound/i;
/** An action an AccessDenied message names, e.g. `... not authorized to perform: iam:CreateServiceLinkedRole ...`. */
const NAMED_ACTION = /\b((?:observabilityadmin|iam|organizations|config|cloudtrail|logs):[A-Za-z]+)\b/;

/** A failure whose message is what CloudFormation shows. */
export class TelemetryEvaluationFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TelemetryEvaluationFailure';
  }
}

export async function handleTelemetryEvaluationRequest(rt: TelemetryEvaluationRuntime, event: CloudFormationRequest): Promise<void> {
  const props = event.ResourceProperties as unknown as TelemetryEvaluationProperties;
  const reply = replyTo(event);
  if (event.RequestType === 'Delete') {
    // Never stopped: other telemetry rules, and the console, rely on it. Nothing is called.
    const physicalId = event.PhysicalResourceId ?? physicalIdOf('ACCOUNT');
    return answer(rt, reply(physicalId), {
      status: 'SUCCESS',
      reason: 'telemetry evaluation is left as it is (other telemetry rules rely on it); stop it by hand if nothing needs it: ' +
        `\`aws observabilityadmin stop-telemetry-evaluation${physicalId === physicalIdOf('ORGANIZATION') ? '-for-organization' : ''}\``,
    });
  }
  const scope = props.Scope;
  const failedId = event.RequestType === 'Update' && event.PhysicalResourceId ? event.PhysicalResourceId
    : isTelemetryEvaluationScope(scope) ? physicalIdOf(scope) : 'telemetry-evaluation-invalid-scope';
  try {
    if (event.RequestType !== 'Create' && event.RequestType !== 'Update') {
      throw new TelemetryEvaluationFailure(`${event.LogicalResourceId}: unknown request type ${JSON.stringify(event.RequestType)}`);
    }
    if (!isTelemetryEvaluationScope(scope)) {
      throw new TelemetryEvaluationFailure(`${event.LogicalResourceId}: the property Scope must be ACCOUNT or ORGANIZATION, got ${JSON.stringify(scope)}`);
    }
    const target = new Target(scope, event, props.AllRegions === 'true');
    await ensureRunning(rt, target);
    const own = namesIn(props.CloudTrailRuleNames);
    const adopted = own.length > 0 ? await checkConflicts(rt, target, own, namesIn(props.AdoptedCloudTrailRuleNames)) : [];
    const adoptedText = adopted.length > 0 ? `; adopted CloudTrail telemetry rule${adopted.length === 1 ? '' : 's'} ${adopted.join(', ')} (adoptTelemetryRuleNames)` : '';
    await answer(rt, reply(physicalIdOf(scope)), {
      status: 'SUCCESS',
      reason: `telemetry evaluation (${scope}) is RUNNING${adoptedText}`,
      // Whenever the rules were checked, so that the attribute is there to read even when nothing was adopted.
      ...(own.length > 0 ? { data: { AdoptedCloudTrailRuleNames: adopted.join(',') } } : {}),
    });
  } catch (error) {
    const reason = error instanceof TelemetryEvaluationFailure ? error.message : `${event.LogicalResourceId}: ${errorName(error)}: ${errorMessage(error)}`;
    await answer(rt, reply(failedId), { status: 'FAILED', reason });
  }
}

/** The scope's calls, actions and CLI commands, and where the messages say they come from. */
class Target {
  public readonly org: boolean;
  public readonly getOperation: ObservabilityAdminOperation;
  public readonly startOperation: ObservabilityAdminOperation;
  public readonly account: string;
  public readonly region: string;
  public readonly head: string;

  constructor(public readonly scope: TelemetryEvaluationScope, event: CloudFormationRequest, public readonly allRegions = false) {
    this.org = scope === 'ORGANIZATION';
    this.getOperation = this.org ? 'GetTelemetryEvaluationStatusForOrganization' : 'GetTelemetryEvaluationStatus';
    this.startOperation = this.org ? 'StartTelemetryEvaluationForOrganization' : 'StartTelemetryEvaluation';
    // arn:aws:cloudformation:<region>:<account>:stack/<name>/<id>
    const [, , , region, account] = event.StackId.split(':');
    this.account = account || '<this account>';
    this.region = region || '<this region>';
    this.head = `${event.LogicalResourceId} (telemetry evaluation for the ${this.org ? 'organization' : 'account'}, account ${this.account}, ${this.region})`;
  }

  public cli(verb: 'start' | 'get'): string {
    const command = verb === 'start' ? 'start-telemetry-evaluation' : 'get-telemetry-evaluation-status';
    return `\`aws observabilityadmin ${command}${this.org ? '-for-organization' : ''} --region ${this.region}\``;
  }

  public read(rt: TelemetryEvaluationRuntime): Promise<TelemetryEvaluationState> {
    return this.org ? rt.observabilityAdmin.getTelemetryEvaluationStatusForOrganization() : rt.observabilityAdmin.getTelemetryEvaluationStatus();
  }

  public start(rt: TelemetryEvaluationRuntime): Promise<void> {
    // Without AllRegions, Start "applies only to the current region": rules with AllRegions need every region evaluated.
    const input: StartTelemetryEvaluationInput = this.allRegions ? { AllRegions: true } : {};
    return this.org ? rt.observabilityAdmin.startTelemetryEvaluationForOrganization(input) : rt.observabilityAdmin.startTelemetryEvaluation(input);
  }
}

/** Reads, starts if needed, and polls until RUNNING, within WAIT_BUDGET_MS. */
async function ensureRunning(rt: TelemetryEvaluationRuntime, target: Target): Promise<void> {
  const interval = POLL_INTERVAL_MS * rt.timeScale;
  const budget = WAIT_BUDGET_MS * rt.timeScale;
  const deadline = rt.now() + budget;
  let started = false;
  let lastStatus: string | undefined;
  for (;;) {
    const state = await call(rt, target, deadline, target.getOperation, () => target.read(rt));
    const status = state.Status ?? 'UNKNOWN';
    if (status !== lastStatus) rt.log(`${target.head}: status ${status}${state.FailureReason ? ` (${state.FailureReason})` : ''}`);
    lastStatus = status;
    if (status === 'RUNNING' && (started || !target.allRegions)) return;
    if (status === 'RUNNING') {
      // RUNNING may mean this region only (started without AllRegions, from the console say): the status does not tell, so Start
      // is asked for every region once; a refusal while it stays RUNNING counts as started (see start()).
      started = true;
      await start(rt, target, deadline);
      continue;
    }
    if (status === 'FAILED_START' && started) throw failedStart(target, state.FailureReason);
    if (STARTABLE.includes(status) && !started) {
      started = true;
      if ((await start(rt, target, deadline)) === 'RUNNING') return;
    }
    // STARTING, STOPPING (then STOPPED, then started), a start not visible yet, or a status this code does not know: wait.
    if (rt.now() + interval > deadline) throw stillNotRunning(target, status, started, budget);
    await rt.sleep(interval);
  }
}

function namesIn(list: string | undefined): string[] {
  return (list ?? '').split(',').map((n) => n.trim()).filter((n) => n.length > 0);
}

/**
 * Another CloudTrail rule in the scope: a duplicate is rejected, and with conflicting rules none is applied.
 * Adopted rules are tolerated; returns those found.
 */
async function checkConflicts(rt: TelemetryEvaluationRuntime, target: Target, own: string[], adopt: string[]): Promise<string[]> {
  const operation: ObservabilityAdminOperation = target.org ? 'ListTelemetryRulesForOrganization' : 'ListTelemetryRules';
  const deadline = rt.now() + rt.retryBudgetMs;
  const rules = await call(rt, target, deadline, operation, () => rt.observabilityAdmin.listTelemetryRules(target.org));
  const others = rules.filter((r) => r.ResourceType === 'AWS::CloudTrail' && r.RuleName !== undefined && !own.includes(r.RuleName));
  const adopted = others.filter((r) => adopt.includes(r.RuleName!)).map((r) => r.RuleName!);
  const conflicts = others.filter((r) => !adopt.includes(r.RuleName!));
  if (adopted.length > 0) rt.log(`${target.head}: CloudTrail telemetry rules adopted (adoptTelemetryRuleNames): ${adopted.join(', ')}`);
  if (conflicts.length === 0) return adopted;
  const named = conflicts.map((r) => `${r.RuleName}${r.RuleArn ? ` (${r.RuleArn})` : ''}`).join(', ');
  const command = `aws observabilityadmin delete-telemetry-rule${target.org ? '-for-organization' : ''} --rule-identifier <name> --region ${target.region}`;
  throw new TelemetryEvaluationFailure(`${target.head}: the ${target.org ? 'organization' : 'account'} already has the CloudTrail telemetry ` +
    `rule${conflicts.length === 1 ? '' : 's'} ${named}: a second CloudTrail rule in the same scope is rejected, and with conflicting rules none of ` +
    `them is applied, so ongoing events could stop arriving anywhere. Delete ${conflicts.length === 1 ? 'it' : 'them'} (\`${command}\`) if this ` +
    'migration replaces it, adopt it (the migration\'s `adoptTelemetryRuleNames`), or migrate these stores where that rule is managed; ' +
    '`cdk-eventdatastore-import preflight` lists them before a deployment.');
}

/** Calls Start; a failed Start counts as started when the status afterwards is RUNNING or STARTING. */
async function start(rt: TelemetryEvaluationRuntime, target: Target, deadline: number): Promise<string | undefined> {
  rt.log(`${target.head}: calling ${target.startOperation}`);
  try {
    await call(rt, target, deadline, target.startOperation, () => target.start(rt));
    return undefined;
  } catch (failure) {
    let after: TelemetryEvaluationState;
    try {
      after = await call(rt, target, deadline, target.getOperation, () => target.read(rt));
    } catch {
      throw failure;
    }
    if (after.Status === 'RUNNING' || after.Status === 'STARTING') {
      rt.log(`${target.head}: ${target.startOperation} failed, but the status is ${after.Status}: it counts as started`);
      return after.Status;
    }
    throw failure;
  }
}

/**
 * One call, retrying throttling, 5xx, dropped connections and permission errors (a policy just
 * created takes a while to work everywhere) with full-jitter backoff, within the retry budget and
 * the request's deadline. What the organization calls answer when the account may not make them is
 * final at once. A final error becomes a {@link TelemetryEvaluationFailure} that says what to do.
 */
async function call<T>(
  rt: TelemetryEvaluationRuntime, target: Target, deadline: number, operation: ObservabilityAdminOperation, send: () => Promise<T>,
): Promise<T> {
  const startedAt = rt.now();
  const giveUpAt = Math.min(deadline, startedAt + rt.retryBudgetMs);
  for (let attempt = 0; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      const kind = classifyError(error);
      const final = target.org && organizationProblem(error).length > 0;
      const remaining = giveUpAt - rt.now();
      if (!final && (kind === 'transient' || kind === 'permissions') && remaining > 0) {
        const ceiling = Math.min(rt.maxDelayMs, rt.baseDelayMs * 2 ** Math.min(attempt, 20));
        const delay = Math.min(Math.round(ceiling / 2 + (rt.random() * ceiling) / 2), remaining);
        rt.log(`${target.head}: ${operation} answered ${errorName(error)} (${errorMessage(error)}); trying again in ${delay} ms`);
        await rt.sleep(delay);
        continue;
      }
      throw callFailure(target, operation, error, (rt.now() - startedAt) / 1000);
    }
  }
}

type OrganizationProblem = 'not-management-account' | 'trusted-access' | 'not-in-organization';

function organizationProblem(error: unknown): OrganizationProblem[] {
  const text = `${errorName(error)} ${errorMessage(error)}`;
  return organizationProblemIn(text);
}

function organizationProblemIn(text: string): OrganizationProblem[] {
  const found: OrganizationProblem[] = [];
  if (NOT_IN_ORGANIZATION.test(text)) found.push('not-in-organization');
  else if (NOT_MANAGEMENT_ACCOUNT.test(text)) found.push('not-management-account');
  if (TRUSTED_ACCESS.test(text)) found.push('trusted-access');
  return found;
}

function organizationHints(target: Target, problems: OrganizationProblem[]): string[] {
  const enable = '`aws organizations enable-aws-service-access --service-principal observabilityadmin.amazonaws.com`';
  return problems.map((problem) => {
    switch (problem) {
      case 'not-in-organization':
        return `Account ${target.account} is not in an AWS Organization: use scope ACCOUNT for this account alone, or create the organization first.`;
      case 'not-management-account':
        return 'Telemetry evaluation for the organization can only be started from the organization\'s management account or a delegated administrator account ' +
          `of CloudWatch telemetry config, and account ${target.account} is neither. Deploy this stack in the management account, or register this account ` +
          `from the management account: ${enable} (trusted access), then \`aws organizations register-delegated-administrator --account-id ${target.account} ` +
          '--service-principal observabilityadmin.amazonaws.com`; or use scope ACCOUNT for this account alone.';
      default:
        return 'Trusted access for CloudWatch telemetry config is not enabled in the organization, and the start could not enable it (the construct allows the ' +
          'function organizations:EnableAWSServiceAccess for observabilityadmin.amazonaws.com: a service control policy or permissions boundary may deny it, ' +
          `or this is not the management account): from the management account run ${enable}, then deploy again. The service-linked role ` +
          'AWSServiceRoleForObservabilityAdmin is created in the management account (the start creates it there: the function may iam:CreateServiceLinkedRole), ' +
          'and in the member accounts automatically once trusted access is on.';
    }
  });
}

function callFailure(target: Target, operation: ObservabilityAdminOperation, error: unknown, triedForSeconds: number): TelemetryEvaluationFailure {
  const said = `${errorName(error)}: ${errorMessage(error).replace(/\.+$/, '')}`;
  const tried = triedForSeconds >= 1 ? ` (retried for ${Math.round(triedForSeconds)} s)` : '';
  const head = `${target.head}: ${operation} failed${tried}. The service said ${said}.`;
  const problems = target.org ? organizationProblem(error) : [];
  if (problems.length > 0) return new TelemetryEvaluationFailure(`${head} ${organizationHints(target, problems).join(' ')}`);
  const action = `observabilityadmin:${operation}`;
  const byHand = operation === target.startOperation
    ? `Or turn it on by hand (as someone who may): ${target.cli('start')}; when ${target.cli('get')} says RUNNING, deploy again.`
    : `Or check by hand (as someone who may): ${target.cli('get')}.`;
  switch (classifyError(error)) {
    case 'permissions': {
      const named = NAMED_ACTION.exec(errorMessage(error))?.[1];
      const denied = named && named !== action ? `${named} (which ${action} needs)` : action;
      return new TelemetryEvaluationFailure(`${head} The stack's deploy-time function (the cdk-eventdatastore-import orchestrator function) lacks ${denied}, ` +
        'or a service control policy or permissions boundary denies it: the policy the construct gives the function allows ' +
        `${action}${operation === target.startOperation ? ' and iam:CreateServiceLinkedRole for observabilityadmin.amazonaws.com and telemetry-enablement.observabilityadmin.amazonaws.com' : ''}. ` +
        `Allow it, or ask whoever manages the SCPs to. ${byHand}`);
    }
    case 'transient':
      return new TelemetryEvaluationFailure(`${head} ObservabilityAdmin was throttling or unavailable the whole time: deploy again later. ${byHand}`);
    case 'invalid':
      return new TelemetryEvaluationFailure(`${head} Check that CloudWatch telemetry config is available in ${target.region}${target.org ? ' and that this account may manage it for the organization' : ''}. ${byHand}`);
    default:
      return new TelemetryEvaluationFailure(`${head} ${byHand}`);
  }
}

function failedStart(target: Target, reason: string | undefined): TelemetryEvaluationFailure {
  const problems = target.org ? organizationProblemIn(reason ?? '') : [];
  return new TelemetryEvaluationFailure(`${target.head}: telemetry evaluation failed to start (status FAILED_START): ${reason ?? 'the service gave no FailureReason'}. ` +
    (problems.length > 0 ? `${organizationHints(target, problems).join(' ')} ` : 'Fix what the reason says, then deploy again (the resource starts it again). ') +
    `To see the service's answer at once, start it by hand: ${target.cli('start')}, then ${target.cli('get')}.`);
}

function stillNotRunning(target: Target, status: string, started: boolean, budgetMs: number): TelemetryEvaluationFailure {
  const waited = `${Math.round(budgetMs / 60_000)} minutes`;
  const what = status === 'STOPPING'
    ? `is still STOPPING after ${waited} (someone stops it): once ${target.cli('get')} says STOPPED, deploy again and the resource starts it.`
    : `is still ${status} after ${waited}${started ? ` since ${target.startOperation}` : ''}. It may yet get there by itself: ` +
      `when ${target.cli('get')} says RUNNING, deploy again (nothing is started twice).`;
  return new TelemetryEvaluationFailure(`${target.head}: telemetry evaluation ${what}`);
}
