/**
 * One test's deploy-time world, built from a synthesized template and the bundled handler asset:
 * DynamoDB (dynalite, the template's tables), the CloudWatch Logs stand-in, the Step Functions
 * stand-in running the template's state machine (its Lambda tasks run the bundle in-process),
 * the CloudFormation stand-in and driver. The bundle is loaded fresh, with the SDK's
 * service-specific endpoint variables (AWS_ENDPOINT_URL_<SERVICE>) pointing at the stand-ins, dummy
 * credentials, and the function's own Environment from the template.
 */
import * as fs from 'node:fs';
import { CloudFormationDriver, CustomResourceHandler } from '../cloudformation-driver/driver';
import { CloudFormationStandIn } from '../stand-in/cloudformation-stand-in';
import { CloudWatchLogsStandIn, StandInOptions } from '../stand-in/cloudwatch-logs-stand-in';
import { DynamoDbStandIn } from '../stand-in/dynamodb-stand-in';
import { logicalIdsOfType, namesFor, renderDefinition, resolve, WorldNames, worldNames } from '../stand-in/state-machine-template';
import { StepFunctionsStandIn } from '../stand-in/step-functions-stand-in';
import { IntegrationRecorder, LambdaHandler, taskHandlers } from '../stand-in/task-handlers';

export interface WorldOptions {
  /** The synthesized template (e.g. `Template.fromStack(stack).toJSON()`). */
  readonly template: any;
  /** Path of the bundled handler (`.../index.js` exporting `handler`). */
  readonly asset: string;
  /** Type of the custom resources the bundle serves. Default `Custom::EventDataStoreImport`. */
  readonly resourceType?: string;
  /** CloudWatch Logs stand-in settings (account default 111122223333). */
  readonly logs?: StandInOptions;
  /** Step Functions time compression (see StepFunctionsStandInOptions). */
  readonly timeScale?: number;
  readonly maxWaitMs?: number;
  /** Wait states timed from the input (a timestamp), ms (see StepFunctionsStandInOptions). */
  readonly dynamicWaitMs?: number;
  /** CloudFormation's wait for a response, compressed. Default 5000 ms. */
  readonly serviceTimeoutMs?: number;
  readonly stackName?: string;
  /** More environment for the bundle (wins over the template's). */
  readonly env?: Record<string, string>;
  /** Other Lambda functions the state machine calls, by ARN or name. */
  readonly functions?: Record<string, LambdaHandler>;
}

/** Read by the SDK when the bundle creates its clients; saved and restored. */
const ENV_KEYS = [
  'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_CLOUDWATCH_LOGS', 'AWS_ENDPOINT_URL_DYNAMODB', 'AWS_ENDPOINT_URL_SFN',
  'AWS_ENDPOINT_URL_CLOUDFORMATION', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN', 'AWS_PROFILE',
];

export class DeployTimeWorld {
  public static async start(options: WorldOptions): Promise<DeployTimeWorld> {
    if (!fs.existsSync(options.asset)) throw new Error(`the handler bundle ${options.asset} is missing: run \`npx projen bundle\` first`);
    const template = options.template;
    const resourceType = options.resourceType ?? 'Custom::EventDataStoreImport';
    const resources = logicalIdsOfType(template, resourceType);
    if (resources.length === 0) throw new Error(`world: the template has no ${resourceType}`);

    const dynamodb = await DynamoDbStandIn.start(template);
    const names = worldNames(template, Object.fromEntries(Object.entries(dynamodb.tableNames).map(([id, table]) => [id, tableNames(id, table)])));
    const serviceToken: string = resolve(template.Resources[resources[0]].Properties.ServiceToken, names);

    const world = new DeployTimeWorld(template, names, resources, dynamodb);
    world.logs = await CloudWatchLogsStandIn.start({ account: '111122223333', ...options.logs });
    world.stepFunctions = await StepFunctionsStandIn.start({
      timeScale: options.timeScale, maxWaitMs: options.maxWaitMs, dynamicWaitMs: options.dynamicWaitMs,
    });
    world.cloudFormation = await CloudFormationStandIn.start();
    world.loadBundle(options, serviceToken);
    world.stepFunctions.taskHandlers = taskHandlers({
      functions: { ...options.functions, [serviceToken]: (event) => world.handler(event) },
      recorder: world.integrations,
    });
    for (const id of logicalIdsOfType(template, 'AWS::StepFunctions::StateMachine')) {
      world.stepFunctions.addStateMachine(id, renderDefinition(template, { logicalId: id, names }));
    }
    world.driver = await CloudFormationDriver.start({
      handler: world.handler,
      cloudFormation: world.cloudFormation,
      stackName: options.stackName,
      resourceType,
      serviceToken,
      serviceTimeoutMs: options.serviceTimeoutMs,
    });
    return world;
  }

  public logs!: CloudWatchLogsStandIn;
  public stepFunctions!: StepFunctionsStandIn;
  public cloudFormation!: CloudFormationStandIn;
  public driver!: CloudFormationDriver;
  /** EventBridge, SNS and other non-Lambda Task calls of the state machine. */
  public readonly integrations = new IntegrationRecorder();
  /** The bundle's `handler`, loaded fresh for this world. */
  public handler!: CustomResourceHandler;
  /** What the bundle logged (console.log/info/warn/error), one string per call. */
  public readonly logLines: string[] = [];
  private restore?: () => void;

  private constructor(
    public readonly template: any,
    /** Ref and attributes of every resource, as this world names them. */
    public readonly names: WorldNames,
    /** Logical IDs of the custom resources. */
    public readonly resources: string[],
    public readonly dynamodb: DynamoDbStandIn,
  ) {}


  /** The custom resource's Properties from the template, resolved, without ServiceToken (what to pass the sequences). */
  public properties(logicalId = this.resources[0]): Record<string, unknown> {
    const { ServiceToken, ...props } = resolve(this.template.Resources[logicalId].Properties, this.names);
    return props;
  }

  /** The physical name this world gives a resource (a table's name, a state machine's ARN...). */
  public ref(logicalId: string): string {
    return this.names[logicalId].Ref;
  }

  /** Resolves when no handler invocation and no execution is running. */
  public async idle(timeoutMs = 10_000): Promise<void> {
    let before = -1;
    while (before !== this.driver.events.length + this.stepFunctions.executions.length) {
      before = this.driver.events.length + this.stepFunctions.executions.length;
      await this.driver.settled();
      await this.stepFunctions.waitForIdle(timeoutMs);
    }
  }

  /** Shape and protocol violations of every stand-in and of the handler's responses. */
  public violations(): string[] {
    return [
      ...this.logs.shapeViolations.map((v) => `logs ${v}`),
      ...this.stepFunctions.shapeViolations.map((v) => `states ${v}`),
      ...this.driver.responseViolations.map((v) => `response ${v}`),
    ];
  }

  /** Stops everything and restores the environment; then fails if anything violated the models. */
  public async close(): Promise<void> {
    this.restore?.();
    await Promise.all([this.stepFunctions?.stop(), this.driver?.close(), this.logs?.stop(), this.cloudFormation?.stop(), this.dynamodb.stop()]);
    const violations = this.violations();
    if (violations.length > 0) throw new Error(`world: violations:\n${violations.join('\n')}`);
  }

  private loadBundle(options: WorldOptions, serviceToken: string): void {
    const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
    const functionId = Object.keys(this.names).find((id) => this.names[id].Arn === serviceToken);
    const functionEnv = functionId ? resolve(this.template.Resources[functionId].Properties?.Environment?.Variables ?? {}, this.names) : {};
    ENV_KEYS.forEach((k) => delete process.env[k]);
    const env: Record<string, string> = {
      ...functionEnv,
      AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: this.logs.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: this.dynamodb.endpoint,
      AWS_ENDPOINT_URL_SFN: this.stepFunctions.endpoint,
      AWS_ENDPOINT_URL_CLOUDFORMATION: this.cloudFormation.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDSTANDIN',
      AWS_SECRET_ACCESS_KEY: 'stand-in-secret',
      ...options.env,
    };
    for (const k of Object.keys(env)) saved[k] ??= process.env[k];
    Object.assign(process.env, env);
    const spies = (['log', 'info', 'warn', 'error'] as const).map((level) => jest.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      this.logLines.push(args.map((a) => typeof a === 'string' ? a : JSON.stringify(a)).join(' '));
    }));
    jest.isolateModules(() => {
      // A fresh copy per world: the bundle builds its SDK clients from the environment at load.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      this.handler = require(options.asset).handler;
    });
    if (typeof this.handler !== 'function') throw new Error(`${options.asset} does not export a handler function`);
    this.restore = () => {
      spies.forEach((s) => s.mockRestore());
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    };
  }
}

function tableNames(logicalId: string, table: string) {
  const base = namesFor(logicalId, 'AWS::DynamoDB::Table');
  return { ...base, Ref: table, Arn: base.Arn.replace(`table/${logicalId}`, `table/${table}`) };
}
