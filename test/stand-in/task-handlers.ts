/**
 * Local functions for the Task states of a rendered definition, as AWS would run them: a Lambda
 * function ARN as Resource (payload response only) gets the effective input and its result is the
 * state's result; `arn:aws:states:::lambda:invoke` gets `Payload` and its result is wrapped as
 * `{ Payload, StatusCode: 200 }`; EventBridge, SNS and any other service integration (`aws-sdk:*`
 * too) go to a recorder. A handler's thrown error reaches the state machine as Lambda reports it:
 * Error = the error's name (errorType), Cause = `{"errorType","errorMessage","trace"}` as JSON, so
 * Retry and Catch match it by name.
 */
import { randomUUID } from 'node:crypto';
import { namedError, TaskFunction, TaskHandlers } from './step-functions-stand-in';

/** A Lambda handler run in-process (e.g. the bundled asset's `handler`). */
export type LambdaHandler = (event: any) => unknown;

/** One call of a service integration that is not Lambda. */
export interface IntegrationCall {
  /** e.g. `arn:aws:states:::sns:publish`, `arn:aws:states:::aws-sdk:dynamodb:getItem`. */
  readonly resource: string;
  /** The effective parameters (JSONPath resolved). */
  readonly input: any;
  readonly stateName: string;
  readonly executionArn: string;
}

/** What the non-Lambda Task states did; `respond` decides their result. */
export class IntegrationRecorder {
  public readonly calls: IntegrationCall[] = [];

  /** The result of an integration call; the default answers like the service's success. */
  public respond: (call: IntegrationCall) => unknown = defaultResponse;

  /** Entries of every events:putEvents, flattened. */
  public get events(): any[] {
    return this.of('arn:aws:states:::events:putEvents').flatMap((c) => c.input.Entries ?? []);
  }

  /** Parameters of every sns:publish (TopicArn, Message, Subject...). */
  public get snsMessages(): any[] {
    return this.of('arn:aws:states:::sns:publish').map((c) => c.input);
  }

  /** Calls whose Resource is `resource` (also its `.sync`/`.waitForTaskToken` forms). */
  public of(resource: string): IntegrationCall[] {
    return this.calls.filter((c) => c.resource === resource || c.resource.startsWith(`${resource}.`));
  }
}

export interface TaskWorldOptions {
  /** In-process Lambda handlers, by function ARN or function name. */
  readonly functions: Record<string, LambdaHandler>;
  /** Where non-Lambda integrations go. Default: a new recorder (lost). */
  readonly recorder?: IntegrationRecorder;
}

const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';

/** `taskHandlers` for the Step Functions stand-in. */
export function taskHandlers(options: TaskWorldOptions): TaskHandlers {
  const recorder = options.recorder ?? new IntegrationRecorder();
  const lambda = (functionName: string): LambdaHandler => {
    const handler = options.functions[functionName] ?? options.functions[unqualified(functionName)]
      ?? options.functions[unqualified(functionName).split(':').pop()!];
    if (!handler) throw new Error(`task-handlers: no in-process handler for Lambda function ${functionName}`);
    return handler;
  };
  return ({ resource }): TaskFunction => {
    if (/^arn:aws[\w-]*:lambda:/.test(resource)) {
      const handler = lambda(resource);
      return (input) => invoke(handler, input);
    }
    if (resource === LAMBDA_INVOKE) {
      return async (input) => ({ ExecutedVersion: '$LATEST', Payload: await invoke(lambda(input.FunctionName), input.Payload), StatusCode: 200 });
    }
    return (input, context) => {
      const call: IntegrationCall = { resource, input: roundTrip(input), stateName: context.stateName, executionArn: context.executionArn };
      recorder.calls.push(call);
      return recorder.respond(call);
    };
  };
}

/** Runs a handler as Lambda would: the event and the result cross as JSON; errors as Lambda reports them. */
async function invoke(handler: LambdaHandler, event: unknown): Promise<unknown> {
  try {
    return roundTrip(await handler(roundTrip(event)));
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    throw namedError(error.name, JSON.stringify({ errorType: error.name, errorMessage: error.message, trace: (error.stack ?? '').split('\n') }));
  }
}

function roundTrip(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value));
}

/** A function ARN without its version or alias (`...:function:name:qualifier`). */
function unqualified(functionName: string): string {
  const parts = functionName.split(':');
  return parts.length > 7 ? parts.slice(0, 7).join(':') : functionName;
}

function defaultResponse(call: IntegrationCall): unknown {
  if (call.resource.startsWith('arn:aws:states:::events:putEvents')) {
    return { Entries: (call.input.Entries ?? []).map(() => ({ EventId: randomUUID() })), FailedEntryCount: 0 };
  }
  if (call.resource.startsWith('arn:aws:states:::sns:publish')) return { MessageId: randomUUID() };
  return {};
}
