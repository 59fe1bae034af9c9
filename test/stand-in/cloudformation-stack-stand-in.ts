/**
 * A loopback stand-in for the CloudFormation calls of `preflight --stack`: DescribeStacks,
 * GetTemplate and ListStackResources (awsQuery), for deployed stacks given as a template and the
 * physical IDs of its resources. (test/status/cloudformation-stand-in.ts serves the status
 * command's ListStackResources paging tests.)
 */
import { awsQueryHandler, QueryParams, ServiceError, StandInServer, XmlValue } from './aws-protocols';

export interface DeployedStackInit {
  readonly name: string;
  readonly region: string;
  readonly account: string;
  readonly template: { Resources?: Record<string, { Type: string }> };
  /** Logical ID to physical ID; resources left out have none (not created). */
  readonly physicalIds: Record<string, string>;
}

const XMLNS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';

export class CloudFormationStackStandIn extends StandInServer {
  public static async start(): Promise<CloudFormationStackStandIn> {
    const standIn = new CloudFormationStackStandIn();
    return standIn.listen(awsQueryHandler(XMLNS, {
      DescribeStacks: (p) => standIn.describeStacks(p),
      GetTemplate: (p) => ({ TemplateBody: JSON.stringify(standIn.stack(p).template), StagesAvailable: ['Original', 'Processed'] }),
      ListStackResources: (p) => standIn.listStackResources(p),
    }, standIn.calls));
  }

  private readonly stacks = new Map<string, DeployedStackInit>();

  public addStack(stack: DeployedStackInit): void {
    this.stacks.set(stack.name, stack);
  }

  private stack(params: QueryParams): DeployedStackInit {
    const name = params.get('StackName') ?? '';
    const stack = this.stacks.get(name);
    if (!stack) throw new ServiceError('ValidationError', `Stack with id ${name} does not exist`);
    return stack;
  }

  private describeStacks(params: QueryParams): XmlValue {
    const stack = this.stack(params);
    return {
      Stacks: [{
        StackId: `arn:aws:cloudformation:${stack.region}:${stack.account}:stack/${stack.name}/00000000-0000-0000-0000-000000000000`,
        StackName: stack.name,
        CreationTime: '2026-11-25T21:00:00.000Z',
        StackStatus: 'CREATE_COMPLETE',
        Parameters: [],
      }],
    };
  }

  private listStackResources(params: QueryParams): XmlValue {
    const stack = this.stack(params);
    return {
      StackResourceSummaries: Object.entries(stack.template.Resources ?? {}).map(([logicalId, resource]) => ({
        LogicalResourceId: logicalId,
        PhysicalResourceId: stack.physicalIds[logicalId],
        ResourceType: resource.Type,
        LastUpdatedTimestamp: '2026-11-25T21:00:00.000Z',
        ResourceStatus: 'CREATE_COMPLETE',
      })),
    };
  }
}
