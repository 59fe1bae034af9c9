/**
 * Unit tests of single decisions of the deploy-time code, with aws-sdk-client-mock. What the
 * decisions add up to under CloudFormation's real sequences is tested on real engines in
 * test/deploy-time/.
 */
import { CloudFormationClient, DescribeStackResourceCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudTrailClient, GetEventDataStoreCommand } from '@aws-sdk/client-cloudtrail';
import { CloudWatchLogsClient, CreateImportTaskCommand, DescribeImportTasksCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetCommand, DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { OwnerRecord } from '../../src/ledger/record';
import { describesRecord, parseProperties, recordIdOf, windowOf } from '../../src/orchestrator/request';
import { handleRequest } from '../../src/orchestrator/requests';
import { dueAnswer } from '../../src/orchestrator/responses';
import { Runtime } from '../../src/orchestrator/runtime';
import { runStep } from '../../src/orchestrator/steps';

const STORE = 'arn:aws:cloudtrail:us-east-1:111122223333:eventdatastore/store-1';
const PROPS = {
  ImportSourceArn: STORE,
  ImportRoleArn: 'arn:aws:iam::111122223333:role/import',
  StartEventTime: '1704067200000',
  EndEventTime: '1735689599999',
  LedgerTableName: 'ledger',
  StateMachineArn: 'arn:aws:states:us-east-1:111122223333:stateMachine:orchestrator',
};

const documents = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
const cloudtrail = mockClient(CloudTrailClient);
const logs = mockClient(CloudWatchLogsClient);
const cloudformation = mockClient(CloudFormationClient);
const sns = mockClient(SNSClient);

function runtime(responses: string[]): Runtime {
  let clock = Date.UTC(2026, 5, 1);
  return {
    logs: new CloudWatchLogsClient({ region: 'us-east-1' }),
    createLogs: new CloudWatchLogsClient({ region: 'us-east-1' }),
    dynamodb: new DynamoDBClient({ region: 'us-east-1' }),
    sfn: new SFNClient({ region: 'us-east-1' }),
    cloudformation: new CloudFormationClient({ region: 'us-east-1' }),
    cloudtrail: new CloudTrailClient({ region: 'us-east-1' }),
    sns: new SNSClient({ region: 'us-east-1' }),
    now: () => clock,
    sleep: async (ms) => { clock += ms; },
    random: () => 0.5,
    log: () => undefined,
    retryBudgetMs: 10_000,
    baseDelayMs: 100,
    maxDelayMs: 1_000,
    settleMs: 60_000,
    timeScale: 1,
    putResponse: async (_url, body) => { responses.push(body); },
  };
}

/** An owner record of store-1's import, as the steps read it. */
function aRecord(changes: Partial<OwnerRecord> & Pick<OwnerRecord, 'state'>): OwnerRecord {
  return {
    pk: 'RESOURCE#s#Import',
    sk: 'import-1',
    stackId: 's',
    logicalResourceId: 'Import',
    requestId: 'r',
    sourceArn: STORE,
    roleArn: PROPS.ImportRoleArn,
    requested: {},
    window: {},
    removalPolicy: 'retain',
    waitForCompletion: false,
    expectedLogGroupName: 'aws/cloudtrail/store-1',
    cloudFormation: 'SUCCESS',
    createAttempts: 0,
    createdAt: 0,
    updatedAt: 0,
    ...changes,
  };
}

function serviceError(name: string, status: number, message = name) {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
}

const event = { RequestType: 'Create' as const, ResponseURL: 'https://example/response', StackId: 'arn:aws:cloudformation:us-east-1:111122223333:stack/S/1', RequestId: 'r-1', LogicalResourceId: 'Import', ResourceType: 'Custom::EventDataStoreImport', ResourceProperties: PROPS };

beforeEach(() => {
  documents.reset();
  sfn.reset();
  cloudtrail.reset();
  logs.reset();
  cloudformation.reset();
  sns.reset();
  cloudformation.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'S', StackStatus: 'CREATE_IN_PROGRESS', CreationTime: new Date() }] });
  cloudformation.on(DescribeStackResourceCommand).resolves({ StackResourceDetail: { LogicalResourceId: 'Import', ResourceType: 'Custom::EventDataStoreImport', ResourceStatus: 'CREATE_IN_PROGRESS', LastUpdatedTimestamp: new Date() } });
  cloudtrail.on(GetEventDataStoreCommand).resolves({ RetentionPeriod: 3653, Status: 'ENABLED' });
  documents.on(GetCommand).resolves({});
});

describe('properties', () => {
  test('the record ID is the same for a re-delivered request, and differs for another request', () => {
    expect(recordIdOf(event)).toBe(recordIdOf({ ...event }));
    expect(recordIdOf(event)).not.toBe(recordIdOf({ ...event, RequestId: 'r-2' }));
    expect(recordIdOf(event)).toMatch(/^import-[0-9a-f]{32}$/);
  });

  test('a lookback is measured once, when the record is written', () => {
    const request = parseProperties({ ...PROPS, StartEventTime: undefined, EndEventTime: undefined, LookbackMillis: '86400000' }, 'Import');
    expect(windowOf(request, 1_000_000_000)).toEqual({ startEventTime: 1_000_000_000 - 86_400_000, endEventTime: 1_000_000_000 });
  });

  test.each([
    [{ StartEventTime: '-1' }, 'StartEventTime must be a whole number of milliseconds >= 0, got "-1"'],
    [{ EndEventTime: '1.5' }, 'EndEventTime must be a whole number of milliseconds >= 0, got "1.5"'],
    [{ StartEventTime: '2000', EndEventTime: '1000' }, 'StartEventTime (1970-01-01T00:00:02.000Z) must not be after EndEventTime (1970-01-01T00:00:01.000Z)'],
    [{ LedgerTableName: '' }, 'the property LedgerTableName is required'],
  ])('bad properties are an error that names them: %o', (bad, message) => {
    expect(() => parseProperties({ ...PROPS, ...bad }, 'Import')).toThrow(message);
  });

  test('the same source and window describe the record, whatever the role; another window does not', () => {
    const record = { sourceArn: STORE, requested: { startEventTime: 1704067200000, endEventTime: 1735689599999 } };
    expect(describesRecord({ ...PROPS, ImportRoleArn: 'arn:aws:iam::111122223333:role/other' }, record)).toBe(true);
    expect(describesRecord({ ...PROPS, EndEventTime: '1735689599998' }, record)).toBe(false);
    expect(describesRecord({ ...PROPS, StartEventTime: undefined, EndEventTime: undefined }, { sourceArn: STORE, requested: {} })).toBe(true);
    expect(describesRecord(PROPS, { sourceArn: STORE, requested: {} })).toBe(false);
  });
});

describe('answers', () => {
  const base = { logicalResourceId: 'Import', sourceArn: STORE, sk: 'import-x', requestId: 'r', bytesImported: 5 } as OwnerRecord;
  const pending = { requestType: 'Create' as const, requestId: 'r', responseUrl: 'u', stackId: 's', logicalResourceId: 'Import', physicalResourceId: 'import-x', deadline: 1000 };

  test('a completed import answers SUCCESS with its attributes', () => {
    expect(dueAnswer({ ...base, state: 'COMPLETED', importId: 'i-1', importCreationTime: 0 }, pending, 0)).toEqual({
      status: 'SUCCESS',
      data: { RecordId: 'import-x', DestinationLogGroupName: 'aws/cloudtrail/store-1', ImportId: 'i-1', CreationTime: '1970-01-01T00:00:00.000Z', BytesImported: '5' },
    });
  });

  test('a failed import answers FAILED with its messages, and says nothing starts again by itself', () => {
    const reply = dueAnswer({ ...base, state: 'FAILED', errorMessage: 'import i-1 ended FAILED after 5 bytes. Failed batches: batch b1: AccessDenied.' }, pending, 0);
    expect(reply?.status).toBe('FAILED');
    expect(reply?.reason).toContain('batch b1: AccessDenied');
    expect(reply?.reason).toContain('Nothing is started again by itself');
  });

  test('a running import waits until the deadline, then answers FAILED saying what the rollback does', () => {
    const running = { ...base, state: 'STARTED' as const, importId: 'i-1', importStatus: 'IN_PROGRESS' };
    expect(dueAnswer(running, pending, 999)).toBeUndefined();
    expect(dueAnswer(running, pending, 1000)?.reason).toContain('the rollback cancels the import (nothing is deleted)');
    // A settings Update of a running import: it goes on.
    expect(dueAnswer(running, { ...pending, requestType: 'Update', requestId: 'u' }, 1000)?.reason).toContain('The import goes on');
  });
});

describe('Create', () => {
  test('a Create that arrives after CloudFormation rolled the stack back (a late retry) writes nothing and starts nothing', async () => {
    const responses: string[] = [];
    cloudformation.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'S', StackStatus: 'ROLLBACK_COMPLETE', CreationTime: new Date() }] });
    documents.on(GetCommand).resolves({});
    await handleRequest(runtime(responses), event);
    expect(documents).not.toHaveReceivedCommand(PutCommand);
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
    expect(JSON.parse(responses[0]).Reason).toContain('CloudFormation no longer waits for this Create');
  });

  test('the record is written before the execution starts, and the resource completes once it is scheduled', async () => {
    const responses: string[] = [];
    documents.on(PutCommand).resolves({});
    documents.on(UpdateCommand).resolves({ Attributes: {} });
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec', startDate: new Date() });
    await handleRequest(runtime(responses), event);
    expect(documents).toHaveReceivedCommandWith(PutCommand, { ConditionExpression: 'attribute_not_exists(pk)', Item: expect.objectContaining({ state: 'SCHEDULED', sk: recordIdOf(event) }) });
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, { name: recordIdOf(event), stateMachineArn: PROPS.StateMachineArn });
    expect(logs).not.toHaveReceivedCommand(CreateImportTaskCommand);
    expect(JSON.parse(responses[0])).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: recordIdOf(event), Data: { RecordId: recordIdOf(event), DestinationLogGroupName: 'aws/cloudtrail/store-1' } });
  });

  test('an execution that cannot be started withdraws the record: nothing runs, nothing is created, the answer says why', async () => {
    const responses: string[] = [];
    documents.on(PutCommand).resolves({});
    documents.on(UpdateCommand).resolves({ Attributes: {} });
    sfn.on(StartExecutionCommand).rejects(serviceError('AccessDeniedException', 400, 'not authorized to perform: states:StartExecution'));
    await handleRequest(runtime(responses), event);
    expect(documents).toHaveReceivedCommandWith(UpdateCommand, { ExpressionAttributeValues: expect.objectContaining({ ':state': 'WITHDRAWN', ':cloudFormation': 'FAILED' }) });
    expect(logs).not.toHaveReceivedCommand(CreateImportTaskCommand);
    const answer = JSON.parse(responses[0]);
    expect(answer).toMatchObject({ Status: 'FAILED', PhysicalResourceId: recordIdOf(event) });
    expect(answer.Reason).toContain('StartExecution failed');
  });

  test('a window that starts before the store\'s retention fails the Create at deploy time, with the retention', async () => {
    const responses: string[] = [];
    cloudtrail.on(GetEventDataStoreCommand).resolves({ RetentionPeriod: 30, Status: 'ENABLED' });
    documents.on(PutCommand).resolves({});
    documents.on(UpdateCommand).resolves({ Attributes: {} });
    await handleRequest(runtime(responses), event);
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
    const answer = JSON.parse(responses[0]);
    expect(answer.Status).toBe('FAILED');
    expect(answer.Reason).toMatch(/the store keeps 30 days/);
  });
});

describe('CreateImportTask errors', () => {
  const record = aRecord({ state: 'SCHEDULED' });
  const step = async (error: Error, attempts = 0) => {
    documents.on(GetCommand, { Key: { pk: record.pk, sk: record.sk } }).resolves({ Item: { ...record, createAttempts: attempts } });
    documents.on(GetCommand, { Key: { pk: 'SLOTS', sk: 'SLOTS' } }).resolves({ Item: { holders: {}, version: 1 } });
    documents.on(UpdateCommand).resolves({ Attributes: { ...record, state: 'CREATING', createAttempts: attempts + 1 } });
    documents.on(PutCommand).resolves({});
    logs.on(DescribeImportTasksCommand).resolves({ imports: [] });
    logs.on(CreateImportTaskCommand).rejects(error);
    return runStep(runtime([]), { step: 'createImport', table: 'ledger', key: record });
  };
  const stateWritten = () => documents.commandCalls(UpdateCommand).map((c) => c.args[0].input.ExpressionAttributeValues?.[':state']).filter(Boolean);

  test('a 5xx or a dropped connection may have created the import: UNCERTAIN, never a second call', async () => {
    expect(await step(serviceError('ServiceUnavailableException', 503))).toEqual({ outcome: 'UNCERTAIN' });
    expect(await step(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }))).toEqual({ outcome: 'UNCERTAIN' });
    expect(logs.commandCalls(CreateImportTaskCommand)).toHaveLength(2);
    expect(stateWritten()).toContain('UNCERTAIN');
  });

  test('throttling queues the import again and frees its slot', async () => {
    expect(await step(serviceError('ThrottlingException', 400))).toEqual({ outcome: 'RETRY_LATER' });
    expect(stateWritten()).toEqual(['CREATING', 'SCHEDULED']);
  });

  test('an IAM error is tried again a few times (roles propagate), then fails with what to check', async () => {
    expect(await step(serviceError('AccessDeniedException', 400, 'not authorized to perform iam:PassRole'), 1)).toEqual({ outcome: 'RETRY_SOON' });
    documents.reset();
    logs.reset();
    expect(await step(serviceError('AccessDeniedException', 400, 'not authorized to perform iam:PassRole'), 5)).toEqual({ outcome: 'ENDED' });
    const failed = documents.commandCalls(UpdateCommand).find((c) => c.args[0].input.ExpressionAttributeValues?.[':state'] === 'FAILED');
    expect(failed?.args[0].input.ExpressionAttributeValues?.[':errorMessage']).toContain('StringEqualsIfExists iam:PassedToService');
  });

  test('an invalid parameter fails the record with the service\'s message and the hint', async () => {
    expect(await step(serviceError('InvalidParameterException', 400, 'startEventTime is outside the retention period'))).toEqual({ outcome: 'ENDED' });
    const failed = documents.commandCalls(UpdateCommand).find((c) => c.args[0].input.ExpressionAttributeValues?.[':state'] === 'FAILED');
    expect(failed?.args[0].input.ExpressionAttributeValues?.[':errorMessage']).toMatch(/outside the retention period.*Check the time range/);
  });
});

describe('the news of the end', () => {
  const ended = aRecord({
    state: 'FAILED',
    createAttempts: 1,
    importId: 'i-1',
    bytesImported: 42,
    destinationArn: 'arn:aws:logs:us-east-1:111122223333:log-group:aws/cloudtrail/store-1',
    errorMessage: 'import i-1 ended FAILED after 42 bytes.',
    notificationTopicArn: 'arn:aws:sns:us-east-1:111122223333:migration',
  });

  test('the topic is told the store, the bytes and the messages; the state machine gets the EventBridge detail', async () => {
    documents.on(GetCommand, { Key: { pk: ended.pk, sk: ended.sk } }).resolves({ Item: ended });
    documents.on(GetCommand, { Key: { pk: 'SLOTS', sk: 'SLOTS' } }).resolves({ Item: { holders: {}, version: 1 } });
    sns.on(PublishCommand).resolves({ MessageId: 'm' });
    const out = await runStep(runtime([]), { step: 'finish', table: 'ledger', key: ended });
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: ended.notificationTopicArn,
      Subject: 'CloudTrail Lake import failed: Import',
      Message: expect.stringMatching(/store-1 \(Import\) failed as i-1, 42 bytes into aws\/cloudtrail\/store-1\. import i-1 ended FAILED/),
    });
    expect(out).toMatchObject({ notify: true, detailType: 'Event Data Store Import Failed', detail: { importId: 'i-1', bytesImported: 42, status: 'FAILED' } });
  });

  test('a topic that cannot be told does not fail an import that has ended', async () => {
    documents.on(GetCommand, { Key: { pk: ended.pk, sk: ended.sk } }).resolves({ Item: ended });
    documents.on(GetCommand, { Key: { pk: 'SLOTS', sk: 'SLOTS' } }).resolves({ Item: { holders: {}, version: 1 } });
    sns.on(PublishCommand).rejects(serviceError('AuthorizationErrorException', 403, 'not authorized to perform SNS:Publish'));
    await expect(runStep(runtime([]), { step: 'finish', table: 'ledger', key: ended })).resolves.toMatchObject({ notify: true });
  });
});

describe('the hand-over to the next generation', () => {
  const MACHINE = 'arn:aws:states:us-east-1:111122223333:stateMachine:orchestrator';
  const handOver = (execution: string) => ({ step: 'handOver' as const, table: 'ledger', key: { pk: 'RESOURCE#s#Import', sk: 'import-1' }, execution, stateMachine: MACHINE, resumeAt: 'watch' as const });
  const conditionFailed = () => Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });

  test('generation 0 names generation 1 in the record (once: a conditional write), then starts it where it left off', async () => {
    documents.on(GetCommand).resolves({ Item: aRecord({ state: 'STARTED', importId: 'imp-1' }) });
    documents.on(UpdateCommand).resolves({ Attributes: {} });
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${MACHINE.replace(':stateMachine:', ':execution:')}:import-1-g1`, startDate: new Date() });
    expect(await runStep(runtime([]), handOver('import-1'))).toEqual({ outcome: 'HANDED_OVER' });
    expect(documents).toHaveReceivedCommandWith(UpdateCommand, {
      ConditionExpression: 'attribute_exists(pk) AND (#generation = :from OR attribute_not_exists(#generation))',
      ExpressionAttributeValues: expect.objectContaining({ ':from': 0, ':to': 1, ':executionArn': 'arn:aws:states:us-east-1:111122223333:execution:orchestrator:import-1-g1' }),
    });
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: MACHINE, name: 'import-1-g1', input: JSON.stringify({ table: 'ledger', key: { pk: 'RESOURCE#s#Import', sk: 'import-1' }, resumeAt: 'watch' }),
    });
  });

  test('a retried hand-over finds the next generation named and starts it again, idempotently; one already finished is ours all the same', async () => {
    documents.on(GetCommand).resolves({ Item: aRecord({ state: 'STARTED', generation: 3 }) });
    sfn.on(StartExecutionCommand).rejects(serviceError('ExecutionAlreadyExists', 400));
    expect(await runStep(runtime([]), handOver('import-1-g2'))).toEqual({ outcome: 'HANDED_OVER' });
    expect(documents).not.toHaveReceivedCommand(UpdateCommand);
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, { name: 'import-1-g3' });
  });

  test('a generation that is no longer current cannot hand over: the step fails (and is caught) rather than start a second successor', async () => {
    documents.on(GetCommand).resolves({ Item: aRecord({ state: 'STARTED', generation: 5 }) });
    await expect(runStep(runtime([]), handOver('import-1-g2'))).rejects.toThrow(/generation 2 cannot hand over, the record is at generation 5/);
    await expect(runStep(runtime([]), handOver('someone-else'))).rejects.toThrow(/not one of record import-1's/);
    documents.on(GetCommand).resolves({ Item: aRecord({ state: 'STARTED', generation: 2 }) });
    documents.on(UpdateCommand).rejects(conditionFailed());
    await expect(runStep(runtime([]), handOver('import-1-g2'))).rejects.toThrow(/moved on from generation 2/);
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  test('a Create re-delivered after a hand-over names the first execution only while it is current', async () => {
    documents.on(PutCommand).rejects(conditionFailed());
    documents.on(GetCommand).resolves({ Item: aRecord({ state: 'STARTED', sk: recordIdOf(event), generation: 4, cloudFormation: 'SUCCESS' }) });
    documents.on(UpdateCommand).resolves({ Attributes: {} });
    sfn.on(StartExecutionCommand).rejects(serviceError('ExecutionAlreadyExists', 400));
    await handleRequest(runtime([]), event);
    expect(documents).toHaveReceivedCommandWith(UpdateCommand, {
      ConditionExpression: 'attribute_exists(pk) AND (#generation = :from OR attribute_not_exists(#generation))',
      ExpressionAttributeValues: expect.objectContaining({ ':from': 0, ':to': 0 }),
    });
  });
});

describe('Update during a rollback', () => {
  const recordId = `import-${'a'.repeat(32)}`;
  const update = { ...event, RequestType: 'Update' as const, PhysicalResourceId: recordId, OldResourceProperties: PROPS, ResourceProperties: { ...PROPS, WaitForCompletion: 'true' } };
  const window = { startEventTime: Number(PROPS.StartEventTime), endEventTime: Number(PROPS.EndEventTime) };
  const running = aRecord({
    sk: recordId,
    pk: `RESOURCE#${event.StackId}#Import`,
    state: 'STARTED',
    importId: 'imp-1',
    waitForCompletion: true,
    requested: window,
    window,
  });

  function rollingBack() {
    cloudformation.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'S', StackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS', CreationTime: new Date() }] });
  }

  test('a rollback onto a running import with waitForCompletion answers SUCCESS at once instead of waiting (a wait could end FAILED)', async () => {
    rollingBack();
    documents.on(GetCommand).resolves({ Item: running });
    documents.on(UpdateCommand).resolves({ Attributes: running });
    documents.on(QueryCommand).resolves({ Items: [running] });
    const responses: string[] = [];
    await handleRequest(runtime(responses), update);
    expect(responses).toHaveLength(1);
    const answered = JSON.parse(responses[0]);
    expect(answered).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: recordId, Data: { ImportId: 'imp-1' } });
    expect(answered.Reason).toContain('without waiting for the import');
  });

  test('an error while handling it answers SUCCESS saying what failed; the same error forward answers FAILED', async () => {
    documents.on(GetCommand).rejects(serviceError('ResourceNotFoundException', 400, 'Requested resource not found'));
    const forward: string[] = [];
    cloudformation.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'S', StackStatus: 'UPDATE_IN_PROGRESS', CreationTime: new Date() }] });
    await handleRequest(runtime(forward), update);
    expect(JSON.parse(forward[0])).toMatchObject({ Status: 'FAILED', Reason: expect.stringContaining('Requested resource not found') });
    rollingBack();
    const rollback: string[] = [];
    await handleRequest(runtime(rollback), update);
    expect(JSON.parse(rollback[0])).toMatchObject({
      Status: 'SUCCESS', PhysicalResourceId: recordId, Reason: expect.stringMatching(/^Rolled back, but not everything was done: .*Requested resource not found/),
    });
  });
});
