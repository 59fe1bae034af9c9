import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * cdk-nag acknowledgements of the findings this library cannot avoid, written so that both major
 * versions of cdk-nag read them, without depending on cdk-nag:
 *
 * - cdk-nag v3 runs as a policy-validation plugin and honours aws-cdk-lib's
 *   `Validations.of(construct).acknowledge({ id, reason })`, finding by finding
 *   (`AwsSolutions-IAM5[Resource::*]`).
 * - cdk-nag v2 runs as an aspect and reads the resource's `cdk_nag` CloudFormation metadata,
 *   `{ rules_to_suppress: [{ id, reason, applies_to? }] }`, where a granular finding is named in
 *   `applies_to` (a string, or `{ regex: '/.../' }`), never in `id`.
 *
 * Reasons stay plain ASCII: cdk-nag v2 base64-encodes any reason with a character above U+00FF.
 */

/** The CloudFormation metadata key cdk-nag v2 reads suppressions from. */
export const NAG_V2_METADATA_KEY = 'cdk_nag';

/** The cdk-nag rule that reports wildcards in IAM policies. */
export const WILDCARD_RULE = 'AwsSolutions-IAM5';

/** One suppression in cdk-nag v2's metadata format. @internal */
export interface NagV2Suppression {
  readonly id: string;
  readonly reason: string;
  readonly applies_to?: Array<string | { regex: string }>;
}

/** Acknowledges a whole rule on one resource, for cdk-nag v2 and v3. @internal */
export function acknowledgeRule(resource: CfnResource, id: string, reason: string): void {
  acknowledgeV3(resource, id, reason);
  addV2Suppression(resource, { id, reason });
}

/**
 * `Validations.acknowledge`, or, for a finding whose text holds more than one `::` (any ARN with
 * `<AWS::Partition>`), which that method rejects as a malformed prefix (cdklabs/cdk-nag issues 2351
 * and 2359), the same record written directly: the metadata entry that cdk-nag v3 reads.
 */
function acknowledgeV3(resource: CfnResource, id: string, reason: string): void {
  // Validations run on every synthesis of the app (the stack-limit check renders the template too): acknowledge once.
  const acknowledged = resource.node.metadata.some((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY && m.data?.[id] === reason);
  if (acknowledged) return;
  if (id.split('::').length <= 2) {
    Validations.of(resource).acknowledge({ id, reason });
  } else {
    resource.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, { [id]: reason });
  }
}

/**
 * A wildcard in a policy that is there for a reason: statements whose actions are all in `actions`
 * may use resources matching `resource`.
 * @internal
 */
export interface WildcardJustification {
  /** The actions the wildcard is needed for. */
  readonly actions: string[];
  /**
   * Regular expression (source, without anchors) that must match the whole resource as cdk-nag
   * prints it: intrinsics flattened, `{ Ref: X }` as `<X>`, `Fn::GetAtt` as `<X.Attr>`.
   */
  readonly resource: string;
  readonly reason: string;
}

/**
 * Acknowledges the `AwsSolutions-IAM5` wildcard findings of one policy that the justifications
 * cover, and no others.
 *
 * cdk-nag v3 needs each finding by its exact text, which depends on the final template (logical IDs,
 * cross-stack references), so the findings are computed when the app is validated, after
 * references are resolved and before cdk-nag runs. A statement's wildcard is acknowledged only if
 * every action of every statement that produces it is justified for that resource.
 *
 * cdk-nag v2 checks suppressions while aspects run, before that; it gets the justifications as
 * `applies_to` regular expressions.
 * @internal
 */
export function acknowledgeWildcards(policy: iam.CfnManagedPolicy | iam.CfnPolicy, justifications: WildcardJustification[]): void {
  for (const j of justifications) {
    addV2Suppression(policy, { id: WILDCARD_RULE, reason: j.reason, applies_to: [{ regex: `/^Resource::${j.resource}$/` }] });
  }
  policy.node.addValidation({
    validate: () => {
      for (const { finding, reason } of justifiedWildcards(policy, justifications)) {
        acknowledgeV3(policy, `${WILDCARD_RULE}[${finding}]`, reason);
      }
      return [];
    },
  });
}

/** The wildcard findings of the policy that the justifications cover, with the reasons. @internal */
export function justifiedWildcards(
  policy: iam.CfnManagedPolicy | iam.CfnPolicy,
  justifications: WildcardJustification[],
): Array<{ finding: string; reason: string }> {
  const document = Stack.of(policy).resolve(policy.policyDocument) as { Statement?: any[] } | undefined;
  const actionsByResource = new Map<string, Set<string>>();
  for (const statement of document?.Statement ?? []) {
    if (statement.Effect !== 'Allow') continue;
    for (const resource of asArray(statement.Resource).map(flattenReference).filter((r) => r.includes('*'))) {
      const actions = actionsByResource.get(resource) ?? new Set<string>();
      asArray(statement.Action).forEach((a) => actions.add(String(a)));
      actionsByResource.set(resource, actions);
    }
  }
  const result: Array<{ finding: string; reason: string }> = [];
  for (const [resource, actions] of actionsByResource) {
    const applicable = justifications.filter((j) => new RegExp(`^(?:${j.resource})$`).test(resource));
    const used = new Set<WildcardJustification>();
    const covered = [...actions].every((action) => {
      const j = applicable.find((candidate) => candidate.actions.includes(action));
      if (j) used.add(j);
      return j !== undefined;
    });
    if (covered && used.size > 0) {
      result.push({ finding: `Resource::${resource}`, reason: [...used].map((j) => j.reason).join(' ') });
    }
  }
  return result;
}

/**
 * A resource reference as cdk-nag prints it in findings: `Fn::Join` joined, `Fn::Sub` placeholders
 * in angle brackets, `Ref` as `<Name>`, `Fn::GetAtt` as `<Name.Attribute>`, `Fn::ImportValue` as
 * its export name, anything else as JSON.
 * @internal
 */
export function flattenReference(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  const has = (key: string) => typeof value === 'object' && value !== null && !!(value as any)[key];
  const v = value as any;
  if (has('Fn::Join')) {
    const [delimiter, parts] = v['Fn::Join'];
    return (parts as unknown[]).map(flattenReference).join(delimiter);
  }
  if (has('Fn::Sub')) return flattenReference(v['Fn::Sub']);
  if (has('Fn::GetAtt')) {
    const [resource, attribute] = v['Fn::GetAtt'];
    return `<${flattenReference(resource)}.${flattenReference(attribute)}>`;
  }
  if (has('Fn::ImportValue')) return flattenReference(v['Fn::ImportValue']);
  if (has('Ref')) return `<${flattenReference(v.Ref)}>`;
  return JSON.stringify(value);
}

function addV2Suppression(resource: CfnResource, suppression: NagV2Suppression): void {
  const existing = (resource.getMetadata(NAG_V2_METADATA_KEY)?.rules_to_suppress ?? []) as NagV2Suppression[];
  const serialized = JSON.stringify(suppression);
  if (existing.some((s) => JSON.stringify(s) === serialized)) return;
  resource.addMetadata(NAG_V2_METADATA_KEY, { rules_to_suppress: [...existing, suppression] });
}

function asArray(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
