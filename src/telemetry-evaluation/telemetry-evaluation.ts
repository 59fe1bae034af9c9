import { CfnResource, CustomResource, Duration, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { TELEMETRY_EVALUATION_RESOURCE_TYPE, TelemetryEvaluationScope } from './contract';
import { Orchestrator } from '../orchestrator/orchestrator';
import { ImportHandlerOptions } from '../orchestrator/orchestrator-options';

/** @internal */
export interface TelemetryEvaluationProps {
  /** This account's telemetry evaluation, or the organization's (from its management or delegated administrator account). */
  readonly scope: TelemetryEvaluationScope;
  /**
   * Options of the stack's deploy-time function, which serves this resource too.
   * @default - whatever the stack's orchestrator was created with (or its defaults)
   */
  readonly handler?: ImportHandlerOptions;
}

/**
 * CloudWatch telemetry evaluation ("telemetry config"), which telemetry rules need running, has no
 * CloudFormation resource: this custom resource, served by the stack's one deploy-time function,
 * sees that it is RUNNING and starts it when it is not. Deleting it stops nothing. One per stack and
 * scope: telemetry rules depend on {@link TelemetryEvaluation.resource}.
 * @internal
 */
export class TelemetryEvaluation extends Construct {
  /** The stack's telemetry evaluation for the scope, created on first use. */
  public static of(scope: Construct, evaluationScope: TelemetryEvaluationScope, handler?: ImportHandlerOptions): TelemetryEvaluation {
    const stack = Stack.of(scope);
    const id = `cdk-eventdatastore-import.TelemetryEvaluation.${evaluationScope === 'ORGANIZATION' ? 'Organization' : 'Account'}`;
    const existing = stack.node.tryFindChild(id) as TelemetryEvaluation | undefined;
    if (existing) {
      // The same checks as every other user of the orchestrator: its options must match.
      if (handler) Orchestrator.of(scope, handler);
      return existing;
    }
    return new TelemetryEvaluation(stack, id, { scope: evaluationScope, handler }, scope);
  }

  /** The custom resource: what telemetry rules depend on. */
  public readonly resource: CustomResource;
  public readonly scope: TelemetryEvaluationScope;
  private readonly cloudTrailRuleNames: string[] = [];
  private readonly adoptedRuleNames: string[] = [];

  private constructor(stack: Stack, id: string, props: TelemetryEvaluationProps, requestedBy: Construct) {
    super(stack, id);
    if (props.scope !== 'ACCOUNT' && props.scope !== 'ORGANIZATION') {
      throw new Error(`the telemetry evaluation scope must be 'ACCOUNT' or 'ORGANIZATION', got ${JSON.stringify(props.scope)}`);
    }
    this.scope = props.scope;
    const orchestrator = Orchestrator.of(requestedBy, props.handler);
    const policy = orchestrator.allowTelemetryEvaluation(props.scope);
    this.resource = new CustomResource(this, 'Resource', {
      resourceType: TELEMETRY_EVALUATION_RESOURCE_TYPE,
      serviceToken: orchestrator.serviceToken,
      // The function waits up to 5 minutes for RUNNING within its 6-minute timeout.
      serviceTimeout: Duration.minutes(10),
      properties: { Scope: props.scope },
    });
    // The permissions must exist before the request and outlive it (aws-cdk issue 9840).
    this.resource.node.addDependency(orchestrator.dependable, policy);
  }

  /** Fails the deployment when the scope has a CloudTrail telemetry rule other than these (the stack's own). */
  public checkCloudTrailRuleConflicts(ownRuleNames: string[]): void {
    this.cloudTrailRuleNames.push(...ownRuleNames);
    (this.resource.node.defaultChild as CfnResource).addPropertyOverride('CloudTrailRuleNames', this.cloudTrailRuleNames.join(','));
  }

  /** Existing CloudTrail rules the conflict check tolerates (names the migration adopts). */
  public adoptCloudTrailRules(ruleNames: string[]): void {
    this.adoptedRuleNames.push(...ruleNames.filter((n) => !this.adoptedRuleNames.includes(n)));
    if (this.adoptedRuleNames.length === 0) return;
    (this.resource.node.defaultChild as CfnResource).addPropertyOverride('AdoptedCloudTrailRuleNames', this.adoptedRuleNames.join(','));
  }

  /** Evaluation in every region, for a rule with `AllRegions` (Start otherwise covers the current region only). */
  public coverAllRegions(): void {
    (this.resource.node.defaultChild as CfnResource).addPropertyOverride('AllRegions', 'true');
  }
}
