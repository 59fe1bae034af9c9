// PLACEHOLDER until the telemetry-evaluation branch is merged (replaced by its file).
import { CustomResource } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { Orchestrator } from '../orchestrator/orchestrator';
import { ImportHandlerOptions } from '../orchestrator/orchestrator-options';

/** @internal */
export class TelemetryEvaluation extends Construct {
  public static of(scope: Construct, evaluationScope: 'ACCOUNT' | 'ORGANIZATION', handler?: ImportHandlerOptions): TelemetryEvaluation {
    const orchestrator = Orchestrator.of(scope, handler);
    const id = `TelemetryEvaluation${evaluationScope}`;
    return (orchestrator.node.tryFindChild(id) as TelemetryEvaluation) ?? new TelemetryEvaluation(orchestrator, id, { scope: evaluationScope });
  }
  public readonly resource: CustomResource;
  constructor(scope: Construct, id: string, props: { readonly scope: 'ACCOUNT' | 'ORGANIZATION'; readonly handler?: ImportHandlerOptions }) {
    super(scope, id);
    this.resource = new CustomResource(this, 'Resource', { serviceToken: Orchestrator.of(this, props.handler).serviceToken, resourceType: 'Custom::TelemetryEvaluation', properties: { Scope: props.scope } });
  }
}
