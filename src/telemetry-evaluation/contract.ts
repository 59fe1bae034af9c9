/**
 * What the TelemetryEvaluation construct and its request handler agree on: the custom resource's
 * type, its one property and its physical IDs. No imports: both sides load it.
 */

/** Where telemetry evaluation runs: this account, or the whole organization (management or delegated administrator account). */
export type TelemetryEvaluationScope = 'ACCOUNT' | 'ORGANIZATION';

export const TELEMETRY_EVALUATION_SCOPES: readonly TelemetryEvaluationScope[] = ['ACCOUNT', 'ORGANIZATION'];

/** The custom resource type the orchestrator function routes to telemetry-evaluation-requests.ts. */
export const TELEMETRY_EVALUATION_RESOURCE_TYPE = 'Custom::TelemetryEvaluation';

/** The custom resource's properties, as CloudFormation sends them. */
export interface TelemetryEvaluationProperties {
  readonly Scope?: string;
  /**
   * 'true': start evaluation in every region (`AllRegions`), for rules that cover every region;
   * without it, Start "applies only to the current region".
   */
  readonly AllRegions?: string;
  /**
   * Comma-separated names of the stack's own CloudTrail telemetry rules: once evaluation runs, any
   * other CloudTrail rule in the scope is a conflict (a duplicate is rejected; with conflicting
   * rules "none of the rules are applied") and the request fails naming it.
   */
  readonly CloudTrailRuleNames?: string;
  /**
   * Comma-separated names of existing CloudTrail telemetry rules the migration adopts
   * (`adoptTelemetryRuleNames`): tolerated, and named in the answer, instead of failing it.
   */
  readonly AdoptedCloudTrailRuleNames?: string;
}

/** A telemetry rule's name, as the ObservabilityAdmin model allows it. */
export const TELEMETRY_RULE_NAME = /^[0-9A-Za-z-]{1,100}$/;

/** One physical ID per scope: a change of scope is a replacement, whose Delete of the old one does nothing. */
export function physicalIdOf(scope: TelemetryEvaluationScope): string {
  return `telemetry-evaluation-${scope.toLowerCase()}`;
}

export function isTelemetryEvaluationScope(value: unknown): value is TelemetryEvaluationScope {
  return typeof value === 'string' && (TELEMETRY_EVALUATION_SCOPES as readonly string[]).includes(value);
}
