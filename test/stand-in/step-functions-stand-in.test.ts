import {
  DescribeExecutionCommand, ListExecutionsCommand, SFNClient, StartExecutionCommand, StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { namedError, StepFunctionsStandIn, TaskHandlers } from './step-functions-stand-in';

let standIn: StepFunctionsStandIn;
let sfn: SFNClient;

async function start(taskHandlers?: TaskHandlers, maxWaitMs?: number) {
  standIn = await StepFunctionsStandIn.start({ taskHandlers, timeScale: 1, maxWaitMs });
  sfn = new SFNClient({ endpoint: standIn.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
}

afterEach(async () => {
  expect(standIn.shapeViolations).toEqual([]);
  sfn.destroy();
  await standIn.stop();
});

/** A Task (with Retry), a long Wait, and a Choice that loops until the task says done. */
const LOOP = {
  StartAt: 'Poll',
  States: {
    'Poll': {
      Type: 'Task',
      Resource: 'arn:aws:lambda:us-east-1:111122223333:function:Poller',
      Parameters: { 'count.$': '$.count', 'execution.$': '$$.Execution.Id', 'name.$': '$$.Execution.Name', 'machine.$': '$$.StateMachine.Id', 'startTime.$': '$$.Execution.StartTime', 'nested': { 'count.$': '$.count' } },
      Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 60, MaxAttempts: 2 }],
      Next: 'Done?',
    },
    'Done?': { Type: 'Choice', Choices: [{ Variable: '$.count', NumericGreaterThanEquals: 3, Next: 'End' }], Default: 'Sleep' },
    'Sleep': { Type: 'Wait', Seconds: 3600, Next: 'Poll' },
    'End': { Type: 'Succeed' },
  },
};

test('an execution runs the definition: local tasks, compressed Wait and Retry, a realistic context', async () => {
  const seen: any[] = [];
  let failures = 1;
  await start(({ resource }) => resource.endsWith(':function:Poller') ? (input) => {
    seen.push(input);
    if (failures-- > 0) throw namedError('Flaky', 'first call fails');
    return { count: input.count + 1 };
  } : undefined);
  const arn = standIn.addStateMachine('Loop', LOOP);

  const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'run-1', input: JSON.stringify({ count: 0 }) }));
  await standIn.waitForIdle();

  const described = await sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
  expect(described).toMatchObject({ status: 'SUCCEEDED', name: 'run-1', input: '{"count":0}', output: '{"count":3}' });
  expect(seen).toHaveLength(4); // one retry, then three polls
  expect(seen[0]).toMatchObject({ execution: started.executionArn, name: 'run-1', machine: arn, nested: { count: 0 } });
  expect(Date.parse(seen[0].startTime)).toBeGreaterThan(0);
  const types = standIn.execution('run-1').events.map((e) => e.type);
  expect(types.filter((t) => t === 'StateRetried')).toHaveLength(1);
  expect(types[types.length - 1]).toBe('ExecutionSucceeded');
});

test('StartExecution is idempotent for a running execution with the same name and input, and only then', async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => { release = resolve; });
  await start(() => async () => { await gate; return {}; });
  const arn = standIn.addStateMachine('Gate', { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:111122223333:function:F', End: true } } });

  const first = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'n', input: '{"a":1}' }));
  const again = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'n', input: '{"a":1}' }));
  expect(again).toMatchObject({ executionArn: first.executionArn, startDate: first.startDate });
  await expect(sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'n', input: '{"a":2}' }))).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });

  release();
  await standIn.waitForIdle();
  await expect(sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'n', input: '{"a":1}' }))).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
  expect(standIn.executions).toHaveLength(1);
});

test('StopExecution aborts a run; ListExecutions filters by status', async () => {
  await start(undefined, 3_600_000); // real-time Waits: the execution waits an hour
  const arn = standIn.addStateMachine('Wait', { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 3600, End: true } } });
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'long' }));
  expect((await sfn.send(new ListExecutionsCommand({ stateMachineArn: arn, statusFilter: 'RUNNING' }))).executions).toHaveLength(1);

  await sfn.send(new StopExecutionCommand({ executionArn, error: 'Stopped', cause: 'by the test' }));
  await standIn.waitForIdle();
  expect(await sfn.send(new DescribeExecutionCommand({ executionArn }))).toMatchObject({ status: 'ABORTED', error: 'Stopped', cause: 'by the test' });
  expect((await sfn.send(new ListExecutionsCommand({ stateMachineArn: arn, statusFilter: 'RUNNING' }))).executions).toEqual([]);
  expect(standIn.execution('long').events.map((e) => e.type)).toContain('ExecutionAborted');
});

test('a failing task fails the execution with its error name and message; a Task without a local function fails too', async () => {
  await start(({ stateName }) => stateName === 'Boom' ? () => { throw namedError('ImportFailed', 'batch 2 failed'); } : undefined);
  const arn = standIn.addStateMachine('Fail', {
    StartAt: 'Boom',
    States: {
      Boom: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:111122223333:function:F', Catch: [{ ErrorEquals: ['Other'], Next: 'Unhandled' }], End: true },
      Unhandled: { Type: 'Task', Resource: 'arn:aws:states:::sns:publish', End: true },
    },
  });
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn }));
  await standIn.waitForIdle();
  expect(await sfn.send(new DescribeExecutionCommand({ executionArn }))).toMatchObject({ status: 'FAILED', error: 'ImportFailed', cause: 'batch 2 failed' });

  const unhandled = standIn.addStateMachine('NoHandler', { StartAt: 'U', States: { U: { Type: 'Task', Resource: 'arn:aws:states:::sns:publish', End: true } } });
  const second = standIn.startExecution(unhandled);
  await second.done;
  expect(second).toMatchObject({ status: 'FAILED', error: 'StandIn.NoTaskHandler' });
});

test('unknown executions and state machines are the service errors', async () => {
  await start();
  await expect(sfn.send(new DescribeExecutionCommand({ executionArn: 'arn:aws:states:us-east-1:111122223333:execution:X:y' })))
    .rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
  await expect(sfn.send(new StartExecutionCommand({ stateMachineArn: 'arn:aws:states:us-east-1:111122223333:stateMachine:X' })))
    .rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
});

describe('the history quota (25,000 events), which aws-local-stepfunctions does not enforce by itself', () => {
  test('events are counted as Step Functions writes them: a Task is 5, a Wait, Pass, Choice or Succeed 2, the execution 2', async () => {
    await start(() => (input) => input);
    const arn = standIn.addStateMachine('Once', {
      StartAt: 'P',
      States: {
        P: { Type: 'Pass', Next: 'W' },
        W: { Type: 'Wait', Seconds: 1, Next: 'T' },
        T: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:111122223333:function:F', Next: 'C' },
        C: { Type: 'Choice', Choices: [{ Variable: '$.x', IsPresent: true, Next: 'S' }], Default: 'S' },
        S: { Type: 'Succeed' },
      },
    });
    const execution = standIn.startExecution(arn, '{"x":1}');
    await execution.done;
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.historyEvents).toBe(2 + 2 + 5 + 2 + 2 + 2);
  });

  test('an execution that loops past the quota fails with States.Runtime, outside its Catch', async () => {
    await start(() => (input) => input, 0);
    const arn = standIn.addStateMachine('Forever', {
      StartAt: 'T',
      States: {
        // 9 events per round, as the orchestrator's poll was: Task, Choice, Wait.
        T: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:111122223333:function:F', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }], Next: 'C' },
        C: { Type: 'Choice', Choices: [{ Variable: '$.stop', IsPresent: true, Next: 'Caught' }], Default: 'W' },
        W: { Type: 'Wait', Seconds: 60, Next: 'T' },
        Caught: { Type: 'Succeed' },
      },
    });
    const execution = standIn.startExecution(arn, '{}');
    await execution.done;
    expect(execution).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(execution.cause).toContain('maximum number of history events (25000)');
    const rounds = execution.events.filter((e) => e.type === 'StateEntered' && (e.state as any)?.name === 'T').length;
    expect(rounds).toBe(Math.ceil((25_000 - 1) / 9));
    expect(execution.events.map((e) => (e.state as any)?.name)).not.toContain('Caught');
    expect(await sfn.send(new DescribeExecutionCommand({ executionArn: execution.executionArn }))).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
  });
});
