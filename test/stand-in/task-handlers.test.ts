import { sampleTemplate } from './fixtures/sample-template';
import { renderDefinition } from './state-machine-template';
import { StepFunctionsStandIn } from './step-functions-stand-in';
import { IntegrationRecorder, taskHandlers } from './task-handlers';

class RetryLater extends Error {
  public readonly name = 'RetryLater';
}

let standIn: StepFunctionsStandIn | undefined;
afterEach(async () => standIn?.stop());

test('the rendered sample runs: Lambda by ARN gets the effective input, lambda:invoke is wrapped, SNS is recorded', async () => {
  const template = sampleTemplate();
  const events: any[] = [];
  const recorder = new IntegrationRecorder();
  const handler = (event: any) => {
    events.push(event);
    return { step: event.step === 'schedule' ? 'watch' : 'done', seen: event.step };
  };
  const functionArn = renderDefinition(template).States.Schedule.Resource;
  standIn = await StepFunctionsStandIn.start({ taskHandlers: taskHandlers({ functions: { [functionArn]: handler }, recorder }) });
  const execution = standIn.startExecution(standIn.addStateMachine('Machine', renderDefinition(template)), '{}', 'e1');
  await execution.done;

  expect(execution).toMatchObject({ status: 'SUCCEEDED' });
  expect(events[0]).toEqual({ step: 'schedule', table: expect.stringMatching(/^Ledger/), execution: execution.executionArn });
  expect(events[1]).toEqual({ table: expect.stringMatching(/^Ledger/), step: 'watch' }); // the Pass state's output
  expect(recorder.snsMessages).toEqual([expect.objectContaining({ Message: 'done', TopicArn: expect.stringMatching(/^arn:aws:sns:/) })]);
  expect(JSON.parse(execution.output!)).toEqual({ MessageId: expect.any(String) });
});

test('a thrown error reaches Retry and Catch by its name, with Lambda\'s Cause', async () => {
  let calls = 0;
  const fn = () => {
    calls++;
    throw new RetryLater('slot busy');
  };
  standIn = await StepFunctionsStandIn.start({ taskHandlers: taskHandlers({ functions: { Fn: fn } }) });
  const arn = standIn.addStateMachine('M', {
    StartAt: 'Try',
    States: {
      Try: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { 'FunctionName': 'arn:aws:lambda:us-east-1:111122223333:function:Fn:$LATEST', 'Payload.$': '$' },
        Retry: [{ ErrorEquals: ['RetryLater'], IntervalSeconds: 30, MaxAttempts: 2 }],
        Catch: [{ ErrorEquals: ['RetryLater'], ResultPath: '$.error', Next: 'Caught' }],
        End: true,
      },
      Caught: { Type: 'Pass', End: true },
    },
  });
  const execution = standIn.startExecution(arn, '{"a":1}');
  await execution.done;

  expect(calls).toBe(3);
  const output = JSON.parse(execution.output!);
  expect(output.error.Error).toBe('RetryLater');
  expect(JSON.parse(output.error.Cause)).toMatchObject({ errorType: 'RetryLater', errorMessage: 'slot busy' });
});

test('other integrations go to the recorder, which decides their result', async () => {
  const recorder = new IntegrationRecorder();
  recorder.respond = (call) => call.resource.includes('getItem') ? { Item: { pk: { S: 'x' } } } : {};
  standIn = await StepFunctionsStandIn.start({ taskHandlers: taskHandlers({ functions: {}, recorder }) });
  const arn = standIn.addStateMachine('M', {
    StartAt: 'Get',
    States: {
      Get: { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:dynamodb:getItem', Parameters: { TableName: 't', Key: { pk: { S: 'x' } } }, ResultPath: '$.got', Next: 'Put' },
      Put: { Type: 'Task', Resource: 'arn:aws:states:::events:putEvents', Parameters: { Entries: [{ 'Source': 'test', 'Detail.$': '$.got' }] }, End: true },
    },
  });
  const execution = standIn.startExecution(arn);
  await execution.done;
  expect(execution.status).toBe('SUCCEEDED');
  expect(recorder.of('arn:aws:states:::aws-sdk:dynamodb:getItem')).toHaveLength(1);
  expect(recorder.events).toEqual([{ Source: 'test', Detail: { Item: { pk: { S: 'x' } } } }]);
});
