/**
 * Asks IAM whether a role may make a call: `SimulatePrincipalPolicy` for a role that exists,
 * `SimulateCustomPolicy` with the template's policies for one the deployment will create.
 * Answers are cached: the imports of a stack share roles and often stores.
 */
import {
  ContextEntry,
  EvaluationResult,
  IAMClient,
  SimulateCustomPolicyCommand,
  SimulatePrincipalPolicyCommand,
} from '@aws-sdk/client-iam';
import { UNRESOLVED_MARKER } from './intrinsics';
import { coversAction, PolicyDocument, PolicyStatement, statementsOf } from './policy-reading';

export interface SimulationRequest {
  readonly action: string;
  readonly resource: string;
  /** A context key and its value; none: the key is absent from the request. */
  readonly context?: { readonly key: string; readonly value: string };
}

export interface PolicySimulator {
  /** What the simulated role is, for messages ("role arn:..." or "role X as the template declares it"). */
  readonly describedAs: string;
  /** True when statements that could allow `action` hold values preflight cannot resolve (and were left out): a denial may be wrong. */
  uncertainFor(action: string): boolean;
  /** Whether each request is allowed, in order. */
  allows(requests: readonly SimulationRequest[]): Promise<boolean[]>;
}

type Simulate = (actions: string[], resource: string, context: ContextEntry[]) => Promise<EvaluationResult[]>;

/** Groups requests by resource and context (one IAM call each), and remembers the answers. */
class CachingSimulator implements PolicySimulator {
  private readonly answers = new Map<string, Promise<boolean>>();

  constructor(readonly describedAs: string, private readonly leftOut: readonly PolicyStatement[], private readonly simulate: Simulate) {}

  public uncertainFor(action: string): boolean {
    return this.leftOut.some((s) => s.Effect === 'Allow' && (JSON.stringify(s.Action ?? s.NotAction).includes(UNRESOLVED_MARKER) || coversAction(s, action)));
  }

  public async allows(requests: readonly SimulationRequest[]): Promise<boolean[]> {
    const groups = new Map<string, SimulationRequest[]>();
    for (const r of requests) {
      if (this.answers.has(keyOf(r))) continue;
      const group = `${r.resource}\n${r.context?.key ?? ''}\n${r.context?.value ?? ''}`;
      groups.set(group, [...(groups.get(group) ?? []), r]);
    }
    for (const group of groups.values()) {
      const results = this.simulateGroup(group);
      group.forEach((r) => this.answers.set(keyOf(r), results.then((allowed) => allowed.has(r.action.toLowerCase()))));
    }
    return Promise.all(requests.map((r) => this.answers.get(keyOf(r))!));
  }

  private async simulateGroup(group: SimulationRequest[]): Promise<Set<string>> {
    const [{ resource, context }] = group;
    const entries: ContextEntry[] = context ? [{ ContextKeyName: context.key, ContextKeyValues: [context.value], ContextKeyType: 'string' }] : [];
    const results = await this.simulate([...new Set(group.map((r) => r.action))], resource, entries);
    return new Set(results.filter((r) => r.EvalDecision === 'allowed').map((r) => (r.EvalActionName ?? '').toLowerCase()));
  }
}

function keyOf(r: SimulationRequest): string {
  return `${r.action.toLowerCase()}\n${r.resource}\n${r.context?.key ?? ''}\n${r.context?.value ?? ''}`;
}

/** Every page of a simulation. */
type SimulationPage = { EvaluationResults?: EvaluationResult[]; IsTruncated?: boolean; Marker?: string };

async function allPages(call: (marker: string | undefined) => Promise<SimulationPage>): Promise<EvaluationResult[]> {
  const results: EvaluationResult[] = [];
  let marker: string | undefined;
  do {
    const page = await call(marker);
    results.push(...(page.EvaluationResults ?? []));
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return results;
}

/** Simulates the role's live policies (it exists: a deployed stack's role, or one the app names by ARN). */
export function principalSimulator(iam: IAMClient, roleArn: string): PolicySimulator {
  return new CachingSimulator(`role ${roleArn}`, [], (actions, resource, context) => allPages((marker) => iam.send(new SimulatePrincipalPolicyCommand({
    PolicySourceArn: roleArn, ActionNames: actions, ResourceArns: [resource], ContextEntries: context, Marker: marker,
  }))));
}

/** Simulates policies from the template (a role the deployment will create), without the statements preflight cannot resolve. */
export function customPolicySimulator(iam: IAMClient, describedAs: string, policies: readonly PolicyDocument[]): PolicySimulator {
  const leftOut = policies.flatMap(statementsOf).filter(isUnresolved);
  const inputs = policies.map(withoutUnresolvedStatements).filter((p) => statementsOf(p).length > 0).map((p) => JSON.stringify(p));
  return new CachingSimulator(describedAs, leftOut, async (actions, resource, context) => {
    // IAM refuses an empty policy list; no policy at all allows nothing.
    if (inputs.length === 0) return [];
    return allPages((marker) => iam.send(new SimulateCustomPolicyCommand({
      PolicyInputList: inputs, ActionNames: actions, ResourceArns: [resource], ContextEntries: context, Marker: marker,
    })));
  });
}

function isUnresolved(statement: PolicyStatement): boolean {
  return JSON.stringify(statement).includes(UNRESOLVED_MARKER);
}

function withoutUnresolvedStatements(policy: PolicyDocument): PolicyDocument {
  return { Version: policy.Version ?? '2012-10-17', Statement: statementsOf(policy).filter((s) => !isUnresolved(s)) };
}
