import { CfnElement, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The limits a stack of many imports meets, checked at synth time on the template as it is
 * rendered (FACTS.md, "Organisations, regions, and the limits a stack meets"). CloudFormation
 * accepts a template over an IAM quota and the deployment fails when IAM refuses: the checks turn
 * that into a synth error that says which limit and what to do.
 */
export const STACK_LIMITS = {
  /** CloudFormation: resources per stack. */
  resources: 500,
  /** CloudFormation: template body in S3 (what the CDK CLI uploads), bytes. */
  templateBytes: 1_000_000,
  /** CloudFormation: outputs per stack. */
  outputs: 200,
  /** IAM: managed policies attached to one role (default quota; adjustable up to 20). */
  managedPoliciesPerRole: 10,
  /** IAM: characters of one managed policy document, whitespace not counted. */
  managedPolicyCharacters: 6_144,
  /** IAM: characters of all inline policies of one role together, whitespace not counted. */
  inlinePolicyCharactersPerRole: 10_240,
  /** CloudWatch Logs Insights: log groups one query runs over. */
  logGroupsPerQueryDefinition: 50,
} as const;

/**
 * Context key for an account whose managed-policies-per-role quota was raised (IAM allows up to
 * 20): the check then uses that number.
 */
export const MANAGED_POLICIES_PER_ROLE_CONTEXT = 'cdk-eventdatastore-import:managedPoliciesPerRole';

/** What to do when the stack is too large for one of the limits (the advice of the error). */
const SPLIT = 'split the event data stores over several stacks (each stack gets its own orchestrator and roles)';

/**
 * How long a reference is once CloudFormation resolves it, at most (for the IAM sizes, which count
 * the resolved policy). Pseudo parameters have known bounds; a role ARN is its path and name; any
 * other reference is counted as a long ARN.
 */
const PSEUDO_LENGTHS: Record<string, number> = {
  'AWS::Partition': 'aws-us-gov'.length,
  'AWS::AccountId': 12,
  'AWS::Region': 'ap-southeast-5'.length,
  'AWS::URLSuffix': 'amazonaws.com.cn'.length,
  'AWS::StackName': 128,
};
/** A role name CloudFormation generates: at most 64 characters. */
const ROLE_NAME = 64;
/** Any other reference (an ARN of another resource): counted at this length. */
const OTHER_REFERENCE = 130;

/** One measured template. */
export interface TemplateMeasurements {
  readonly bytes: number;
  readonly resources: number;
  readonly resourcesByType: Record<string, number>;
  readonly outputs: number;
  /** Per role (logical ID): managed policies attached (ManagedPolicyArns and AWS::IAM::ManagedPolicy.Roles). */
  readonly managedPoliciesByRole: Record<string, number>;
  /** Per managed policy (logical ID): its document's characters, whitespace not counted. */
  readonly managedPolicyCharacters: Record<string, number>;
  /** Per role (logical ID): characters of its inline policies together (Policies and AWS::IAM::Policy). */
  readonly inlineCharactersByRole: Record<string, number>;
  /** Per query definition (logical ID): how many log groups it names. */
  readonly logGroupsByQueryDefinition: Record<string, number>;
}

/** Measures a rendered template (as written to the cloud assembly, `indent` as the stack writes it). */
export function measureTemplate(template: any, indent: number | undefined = 1): TemplateMeasurements {
  const resources: Record<string, any> = template.Resources ?? {};
  const byType: Record<string, number> = {};
  const managedByRole: Record<string, number> = {};
  const managedChars: Record<string, number> = {};
  const inlineByRole: Record<string, number> = {};
  const queryGroups: Record<string, number> = {};
  const sizer = new ResolvedSize(resources);
  const add = (into: Record<string, number>, key: string, n: number) => { into[key] = (into[key] ?? 0) + n; };

  for (const [id, resource] of Object.entries(resources)) {
    add(byType, String(resource?.Type), 1);
    const props = resource?.Properties ?? {};
    switch (resource?.Type) {
      case 'AWS::IAM::Role':
        managedByRole[id] = (managedByRole[id] ?? 0) + asArray(props.ManagedPolicyArns).length;
        for (const policy of asArray(props.Policies)) add(inlineByRole, id, sizer.of((policy as any)?.PolicyDocument));
        if (inlineByRole[id] === undefined) inlineByRole[id] = 0;
        break;
      case 'AWS::IAM::ManagedPolicy':
        managedChars[id] = sizer.of(props.PolicyDocument);
        for (const role of roleIds(props.Roles)) add(managedByRole, role, 1);
        break;
      case 'AWS::IAM::Policy':
        for (const role of roleIds(props.Roles)) add(inlineByRole, role, sizer.of(props.PolicyDocument));
        break;
      case 'AWS::Logs::QueryDefinition':
        queryGroups[id] = asArray(props.LogGroupNames).length;
        break;
    }
  }
  return {
    bytes: Buffer.byteLength(JSON.stringify(template, undefined, indent)),
    resources: Object.keys(resources).length,
    resourcesByType: byType,
    outputs: Object.keys(template.Outputs ?? {}).length,
    managedPoliciesByRole: managedByRole,
    managedPolicyCharacters: managedChars,
    inlineCharactersByRole: inlineByRole,
    logGroupsByQueryDefinition: queryGroups,
  };
}

/** The limits a measured template breaks, each as a sentence that says which limit, by how much, and what to do. */
export function limitViolations(
  m: TemplateMeasurements, stackName: string, managedPoliciesPerRole: number = STACK_LIMITS.managedPoliciesPerRole,
): string[] {
  const errors: string[] = [];
  const imports = m.resourcesByType['Custom::EventDataStoreImport'] ?? 0;
  const stores = imports > 0 ? ` (${imports} imports)` : '';
  if (m.resources > STACK_LIMITS.resources) {
    errors.push(`stack ${stackName} has ${m.resources} resources${stores}, over CloudFormation's limit of ${STACK_LIMITS.resources} per stack: ` +
      `${SPLIT}; each import adds about 3 (its resource, its import role and the role's policy).`);
  }
  if (m.bytes > STACK_LIMITS.templateBytes) {
    errors.push(`the template of stack ${stackName} is ${m.bytes.toLocaleString('en-US')} bytes${stores}, over CloudFormation's limit of ` +
      `${STACK_LIMITS.templateBytes.toLocaleString('en-US')} bytes (a template uploaded to S3): ${SPLIT}.`);
  }
  if (m.outputs > STACK_LIMITS.outputs) {
    errors.push(`stack ${stackName} has ${m.outputs} outputs, over CloudFormation's limit of ${STACK_LIMITS.outputs}: output fewer import attributes, or ${SPLIT}.`);
  }
  for (const [role, count] of Object.entries(m.managedPoliciesByRole)) {
    if (count <= managedPoliciesPerRole) continue;
    errors.push(`role ${role} of stack ${stackName} has ${count} managed policies attached${stores}, over IAM's quota of ${managedPoliciesPerRole} per role: ` +
      `${SPLIT}; or use RemovalPolicy.RETAIN (DESTROY adds logs:DeleteLogGroup per store); or, after raising the quota of the account (up to 20), ` +
      `set the context value ${MANAGED_POLICIES_PER_ROLE_CONTEXT} to it.`);
  }
  for (const [policy, chars] of Object.entries(m.managedPolicyCharacters)) {
    if (chars <= STACK_LIMITS.managedPolicyCharacters) continue;
    errors.push(`managed policy ${policy} of stack ${stackName} is ${chars.toLocaleString('en-US')} characters without whitespace, over IAM's limit of ` +
      `${STACK_LIMITS.managedPolicyCharacters.toLocaleString('en-US')} per managed policy: move statements to another policy, or ${SPLIT}.`);
  }
  for (const [role, chars] of Object.entries(m.inlineCharactersByRole)) {
    if (chars <= STACK_LIMITS.inlinePolicyCharactersPerRole) continue;
    errors.push(`the inline policies of role ${role} of stack ${stackName} are ${chars.toLocaleString('en-US')} characters without whitespace together, over IAM's limit ` +
      `of ${STACK_LIMITS.inlinePolicyCharactersPerRole.toLocaleString('en-US')} per role: use managed policies, or ${SPLIT}.`);
  }
  for (const [query, groups] of Object.entries(m.logGroupsByQueryDefinition)) {
    if (groups <= STACK_LIMITS.logGroupsPerQueryDefinition) continue;
    errors.push(`query definition ${query} of stack ${stackName} names ${groups} log groups, over Logs Insights' ${STACK_LIMITS.logGroupsPerQueryDefinition} ` +
      'per query: split it into queries of at most 50 log groups each.');
  }
  return errors;
}

/**
 * Checks the stack's limits when the app is validated (once per stack, however many constructs
 * ask): the template is rendered as synthesis will write it, and measured.
 */
export function checkStackLimits(scope: IConstruct): void {
  const stack = Stack.of(scope);
  if (checkedStacks.has(stack)) return;
  checkedStacks.add(stack);
  stack.node.addValidation({
    validate: () => {
      const raised = stack.node.tryGetContext(MANAGED_POLICIES_PER_ROLE_CONTEXT);
      const quota = raised === undefined ? STACK_LIMITS.managedPoliciesPerRole : Number(raised);
      if (!Number.isInteger(quota) || quota < 1 || quota > 20) {
        return [`context ${MANAGED_POLICIES_PER_ROLE_CONTEXT} must be a whole number from 1 to 20 (IAM's largest quota), got ${JSON.stringify(raised)}`];
      }
      const indent = stack.node.tryGetContext('@aws-cdk/core:suppressTemplateIndentation') ? undefined : 1;
      return limitViolations(measureTemplate(renderTemplate(stack), indent), stack.stackName, quota);
    },
  });
}
const checkedStacks = new WeakSet<Stack>();

/**
 * The stack's template as synthesis renders it: every CloudFormation element of the stack (not of
 * a nested stack), resolved, merged by section. Runs after `prepare`, so dependencies are in.
 */
export function renderTemplate(stack: Stack): any {
  const template: Record<string, Record<string, unknown>> = {};
  const elements = stack.node.findAll().filter((c): c is CfnElement => CfnElement.isCfnElement(c) && c.stack === stack);
  for (const element of elements) {
    const fragment = stack.resolve(element._toCloudFormation()) as Record<string, Record<string, unknown>>;
    for (const [section, entries] of Object.entries(fragment ?? {})) {
      template[section] = { ...(template[section] ?? {}), ...entries };
    }
  }
  return template;
}

/**
 * Characters of a policy statement (or document) once CloudFormation resolves it, whitespace not
 * counted, as IAM counts them and as {@link measureTemplate} does: for packing statements into
 * managed policies before the template exists.
 */
export function policyCharacters(scope: IConstruct, value: unknown): number {
  return new ResolvedSize({}).of(Stack.of(scope).resolve(value));
}

/** Characters of a policy document once CloudFormation resolves it, whitespace not counted (as IAM counts). */
class ResolvedSize {
  constructor(private readonly resources: Record<string, any>) {}

  public of(document: unknown): number {
    return this.render(document).replace(/\s+/g, '').length;
  }

  /** JSON of the value, each reference replaced by a stand-in of its longest resolved length. */
  private render(value: unknown): string {
    return JSON.stringify(this.substitute(value));
  }

  private substitute(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.substitute(v));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1 && (entries[0][0] === 'Ref' || entries[0][0].startsWith('Fn::'))) return this.intrinsic(entries[0][0], entries[0][1]);
    return Object.fromEntries(entries.map(([k, v]) => [k, this.substitute(v)]));
  }

  private intrinsic(name: string, argument: any): string {
    switch (name) {
      case 'Ref': {
        if (typeof argument === 'string' && PSEUDO_LENGTHS[argument] !== undefined) return 'x'.repeat(PSEUDO_LENGTHS[argument]);
        return 'x'.repeat(this.resources[argument]?.Type === 'AWS::IAM::Role' ? ROLE_NAME : OTHER_REFERENCE);
      }
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = Array.isArray(argument) ? argument : String(argument).split('.');
        const resource = this.resources[logicalId];
        if (resource?.Type === 'AWS::IAM::Role' && attribute === 'Arn') {
          const path = typeof resource.Properties?.Path === 'string' ? resource.Properties.Path : '/';
          return 'x'.repeat(`arn:aws-us-gov:iam::123456789012:role${path}`.length + ROLE_NAME);
        }
        return 'x'.repeat(OTHER_REFERENCE);
      }
      case 'Fn::Join': {
        const [delimiter, parts] = argument as [string, unknown[]];
        return asArray(parts).map((p) => this.asText(p)).join(delimiter);
      }
      case 'Fn::Sub': {
        const text = Array.isArray(argument) ? String(argument[0]) : String(argument);
        return text.replace(/\$\{([^}]+)\}/g, (_, ref: string) => this.intrinsic(ref.includes('.') ? 'Fn::GetAtt' : 'Ref', ref));
      }
      default:
        return 'x'.repeat(OTHER_REFERENCE);
    }
  }

  private asText(value: unknown): string {
    const substituted = this.substitute(value);
    return typeof substituted === 'string' ? substituted : JSON.stringify(substituted);
  }
}

/** The logical IDs of the roles a policy names (`{ Ref: Role }`); a role by name from elsewhere is not this stack's. */
function roleIds(roles: unknown): string[] {
  return asArray(roles).flatMap((r) => (r && typeof r === 'object' && typeof (r as any).Ref === 'string' ? [(r as any).Ref as string] : []));
}

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}
