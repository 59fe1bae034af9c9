/**
 * Tests of what ships (issue 3 §5): the BUNDLED handler, with the real CloudWatch Logs client
 * inside it, against the loopback stand-in, driven the way the provider framework drives it.
 * Every test ends by checking the stand-in's state: imports created and cancelled, log groups
 * deleted. Time is scaled (IMPORT_HANDLER_TIME_SCALE=0.001): the retry budget is 240 ms.
 */
import {
  CREATE_FAILED_MARKER,
  createEvent,
  DAY_MS,
  deleteEvent,
  props,
  storeArn,
  updateEvent,
  World,
} from './harness';
import type { ImportRecord } from '../stand-in/cloudwatch-logs-stand-in';

jest.setTimeout(20_000);

const STORE = storeArn('store-1');
const LOG_GROUP = 'aws/cloudtrail/store-1';
const MIB = 1024 * 1024;
const LIMIT_ERRORS = [
  'LimitExceededException',
  'ThrottlingException',
  'InvalidOperationException',
  'ConflictException',
  'ServiceQuotaExceededException',
];

let w: World | undefined;

async function startWorld(options: Parameters<typeof World.start>[0] = {}, timeScale?: number): Promise<World> {
  w = await World.start(options, timeScale);
  w.standIn.addEventDataStore({ arn: STORE });
  return w;
}

afterEach(async () => {
  await w?.stop();
  w = undefined;
});

/**
 * The stand-in's final state, checked rather than assumed: imports created through the API,
 * cancelled imports, deleted log groups; no two live imports of the same source and window;
 * never more than 3 imports IN_PROGRESS.
 */
function expectServiceState(world: World, expected: { created: number; cancelled?: string[]; deletedLogGroups?: string[] }): void {
  const { standIn } = world;
  world.sampleActive();
  expect(standIn.createdImports()).toHaveLength(expected.created);
  expect(standIn.cancelledImportIds()).toEqual(expected.cancelled ?? []);
  expect(standIn.deletedLogGroups()).toEqual(expected.deletedLogGroups ?? []);
  const live = standIn.createdImports().filter((i) => i.importStatus !== 'CANCELLED');
  const keys = live.map((i) => `${i.importSourceArn} ${JSON.stringify(i.importFilter ?? null)}`);
  expect(new Set(keys).size).toBe(keys.length);
  expect(world.maxActive).toBeLessThanOrEqual(3);
}

function only(world: World): ImportRecord {
  const created = world.standIn.createdImports();
  expect(created).toHaveLength(1);
  return created[0];
}

/** Creates a fire-and-forget import and returns its ID (standIn calls are then forgotten). */
async function createdImport(world: World, p = props()): Promise<string> {
  const outcome = await world.deploy(createEvent(p));
  expect(outcome.error).toBeUndefined();
  return outcome.physicalResourceId!;
}

describe('transient faults', () => {
  // The SDK retries reads itself (3 attempts, real-time delays: 50 ms base, 1 s when throttled);
  // CreateImportTask it never retries (maxAttempts 1): the handler does, after looking for the import.
  // These bursts outlast the SDK's attempts on a read, so both layers are exercised; the time
  // scale is raised so that the handler's budget outlasts the SDK's unscaled delays.

  test('a throttling burst: every call is retried, one import is created', async () => {
    const { standIn } = await startWorld({}, 0.05);
    standIn.throttleNext(4);
    standIn.throttleNext(3, 'CreateImportTask');

    const outcome = await w!.deploy(createEvent(props()));

    expect(outcome.error).toBeUndefined();
    const created = only(w!);
    expect(outcome.physicalResourceId).toBe(created.importId);
    expect(outcome.data).toMatchObject({ ImportId: created.importId, ImportStatus: 'IN_PROGRESS', DestinationLogGroupName: LOG_GROUP });
    expect(standIn.calls.filter((c) => c.error === 'ThrottlingException')).toHaveLength(7);
    expect(w!.logs.some((l) => /DescribeImportTasks answered ThrottlingException.*trying again/.test(l))).toBe(true);
    expect(w!.logs.filter((l) => /CreateImportTask answered ThrottlingException.*trying again/.test(l))).toHaveLength(3);
    expectServiceState(w!, { created: 1 });
  });

  test('5xx answers: retried, one import is created', async () => {
    const { standIn } = await startWorld({}, 0.01);
    standIn.serverErrorNext(4);
    standIn.serverErrorNext(3, 'CreateImportTask');

    const outcome = await w!.deploy(createEvent(props()));

    expect(outcome.error).toBeUndefined();
    expect(outcome.physicalResourceId).toBe(only(w!).importId);
    expect(standIn.calls.filter((c) => c.error === 'ServiceUnavailableException')).toHaveLength(7);
    expect(w!.logs.some((l) => /DescribeImportTasks answered ServiceUnavailableException.*trying again/.test(l))).toBe(true);
    expectServiceState(w!, { created: 1 });
  });

  test('dropped connections (before processing): retried, one import is created', async () => {
    const { standIn } = await startWorld({}, 0.01);
    standIn.dropConnectionNext(4);
    standIn.dropConnectionNext(2, 'CreateImportTask');

    const outcome = await w!.deploy(createEvent(props()));

    expect(outcome.error).toBeUndefined();
    expect(outcome.physicalResourceId).toBe(only(w!).importId);
    expect(standIn.calls.filter((c) => c.dropped)).toHaveLength(6);
    expect(standIn.calls.filter((c) => c.operation === 'CreateImportTask').map((c) => !!c.dropped)).toEqual([true, true, false]);
    expectServiceState(w!, { created: 1 });
  });

  test('AccessDenied while IAM propagates: retried until the create succeeds, exactly one import', async () => {
    const { standIn } = await startWorld();
    standIn.accessDeniedFirst(2);
    standIn.accessDeniedFirst(4, 'CreateImportTask');

    const outcome = await w!.deploy(createEvent(props()));

    expect(outcome.error).toBeUndefined();
    expect(outcome.physicalResourceId).toBe(only(w!).importId);
    expect(standIn.calls.filter((c) => c.operation === 'CreateImportTask').map((c) => c.error ?? 'ok'))
      .toEqual(['AccessDeniedException', 'AccessDeniedException', 'AccessDeniedException', 'AccessDeniedException', 'ok']);
    expectServiceState(w!, { created: 1 });
  });
});

describe('the limit of 3 active imports', () => {
  /** Another account user's import of another store, IN_PROGRESS. */
  function otherImport(world: World, n: number): ImportRecord {
    return world.standIn.addImport({ importSourceArn: storeArn(`other-${n}`) });
  }

  test.each(LIMIT_ERRORS)('wait mode queues while 3 run, then creates and finishes (limit answered with %s)', async (limitError) => {
    const { standIn } = await startWorld({ limitError });
    const others = [1, 2, 3].map((n) => otherImport(w!, n));
    // When a slot frees, someone else takes it between the handler's count and its create:
    // the service refuses with whatever error it uses at the limit.
    let raced: ImportRecord | undefined;
    w!.onCall((call) => {
      if (call.operation === 'CreateImportTask' && !raced) raced = otherImport(w!, 4);
    });

    const outcome = await w!.deploy(createEvent(props({ WaitForCompletion: 'true' })), {
      beforePoll: (poll) => {
        if (poll === 2) standIn.completeImport(others[0].importId);
        if (poll === 4) {
          expect(standIn.calls.filter((c) => c.operation === 'CreateImportTask').map((c) => c.error)).toEqual([limitError]);
          expect(standIn.createdImports()).toHaveLength(0);
          standIn.completeImport(others[1].importId);
        }
        if (poll >= 6) standIn.tick();
      },
    });

    expect(outcome.onEvent?.PhysicalResourceId).toMatch(/^pending:\d+$/);
    expect(outcome.error).toBeUndefined();
    const created = only(w!);
    expect(created.importSourceArn).toBe(STORE);
    expect(outcome.physicalResourceId).toBe(created.importId);
    expect(outcome.data).toMatchObject({ ImportId: created.importId, ImportStatus: 'COMPLETED', BytesImported: String(4 * MIB) });
    expect(raced).toBeDefined();
    expect(standIn.imports.filter((i) => i.importStatus === 'CANCELLED')).toEqual([]);
    expectServiceState(w!, { created: 1 });
  });

  test.each(LIMIT_ERRORS)('fire-and-forget fails clearly after its bound, naming the active imports (limit answered with %s)', async (limitError) => {
    const { standIn } = await startWorld({ limitError });
    const others = [1, 2].map((n) => otherImport(w!, n));
    w!.onCall((call) => {
      if (call.operation === 'CreateImportTask' && others.length < 3) others.push(otherImport(w!, 3));
    });

    const outcome = await w!.deploy(createEvent(props({ TimeoutSeconds: '1' })), {
      // First poll at once (still within the bound: it waits); the second as if 2 s had passed.
      isCompleteRequest: (request, poll) => poll === 0 ? request
        : { ...request, Data: { ...request.Data, RequestedAt: String(Date.now() - 2_000) } },
    });

    expect(standIn.calls.filter((c) => c.operation === 'CreateImportTask').map((c) => c.error)).toEqual([limitError]);
    expect(outcome.onEvent?.PhysicalResourceId).toMatch(/^pending:\d+$/);
    expect(outcome.polls).toBe(2);
    expect(outcome.failedIn).toBe('isComplete');
    expect(outcome.error).toMatch(/no free import slot/);
    for (const other of others) expect(outcome.error).toContain(other.importId);
    expectServiceState(w!, { created: 0 });
  });
});

describe('final errors', () => {
  test('Conflict: a clear CloudFormation error, no import', async () => {
    const { standIn } = await startWorld();
    standIn.conflictNext(1);

    const outcome = await w!.deploy(createEvent(props()));

    expect(outcome.failedIn).toBe('onEvent');
    expect(outcome.error).toMatch(/CreateImportTask failed.*ConflictException/);
    expect(outcome.error).toContain(`describe-import-tasks --import-source-arn ${STORE}`);
    expect(outcome.physicalResourceId).toBe(CREATE_FAILED_MARKER);
    expectServiceState(w!, { created: 0 });
  });

  test('event data store not found: says to check the store and region', async () => {
    await startWorld();
    const missing = storeArn('missing');

    const outcome = await w!.deploy(createEvent(props({}, missing)));

    expect(outcome.failedIn).toBe('onEvent');
    expect(outcome.error).toMatch(/ResourceNotFoundException/);
    expect(outcome.error).toContain(`Check that the event data store ${missing} exists in this account and region`);
    expectServiceState(w!, { created: 0 });
  });

  test('window outside the retention period: says to check the time range', async () => {
    await startWorld();
    const start = Date.now() - 400 * DAY_MS;

    const outcome = await w!.deploy(createEvent(props({ StartEventTime: String(start), EndEventTime: String(start + DAY_MS) })));

    expect(outcome.failedIn).toBe('onEvent');
    expect(outcome.error).toMatch(/InvalidParameterException.*retention/);
    expect(outcome.error).toMatch(/Check the time range/);
    expectServiceState(w!, { created: 0 });
  });
});

describe('a retried Create', () => {
  test('the reply to CreateImportTask is lost: the same invocation adopts the import, no duplicate', async () => {
    const { standIn } = await startWorld();
    standIn.dropAfterProcessingNext(1, 'CreateImportTask');

    const outcome = await w!.deploy(createEvent(props()));

    expect(outcome.error).toBeUndefined();
    expect(standIn.calls.filter((c) => c.operation === 'CreateImportTask').map((c) => !!c.dropped)).toEqual([true]);
    expect(outcome.physicalResourceId).toBe(only(w!).importId);
    expectServiceState(w!, { created: 1 });
  });

  test('the first invocation fails after the service created the import: the retried one adopts it', async () => {
    const { standIn } = await startWorld();
    const event = createEvent(props());
    standIn.dropAfterProcessingNext(1, 'CreateImportTask');
    // After the create, the service is unavailable for the rest of the invocation's retry budget.
    w!.onCall((call) => {
      if (call.operation === 'CreateImportTask') standIn.serverErrorNext(1_000_000, 'DescribeImportTasks');
    });

    const first = await w!.deploy(event);
    expect(first.failedIn).toBe('onEvent');
    expect(first.error).toMatch(/DescribeImportTasks failed.*ServiceUnavailableException/);
    const created = only(w!);

    standIn.clearFaults();
    const retried = await w!.deploy(event);

    expect(retried.error).toBeUndefined();
    expect(retried.physicalResourceId).toBe(created.importId);
    expect(standIn.callCount('CreateImportTask')).toBe(1);
    expectServiceState(w!, { created: 1 });
  });
});

describe('Delete', () => {
  test('after a failed Create (the framework\'s marker): succeeds without a call', async () => {
    const { standIn } = await startWorld();
    const outcome = await w!.deploy(deleteEvent(CREATE_FAILED_MARKER, props({ RemovalPolicy: 'destroy' })));

    expect(outcome.error).toBeUndefined();
    expect(outcome.physicalResourceId).toBe(CREATE_FAILED_MARKER);
    expect(standIn.calls).toHaveLength(0);
    expectServiceState(w!, { created: 0 });
  });

  test('while IN_PROGRESS under RETAIN: no call, the import goes on, the log group stays', async () => {
    const { standIn } = await startWorld();
    const id = await createdImport(w!);
    const before = standIn.calls.length;

    const outcome = await w!.deploy(deleteEvent(id, props({ RemovalPolicy: 'retain' })));

    expect(outcome.error).toBeUndefined();
    expect(standIn.calls.length).toBe(before);
    expect(w!.importById(id).importStatus).toBe('IN_PROGRESS');
    expect(standIn.logGroupExists(LOG_GROUP)).toBe(true);
    expectServiceState(w!, { created: 1 });
  });

  test.each(['imported-data', 'nothing'] as const)('while IN_PROGRESS under DESTROY (a cancel leaves %s): cancelled, log group deleted', async (cancelLeaves) => {
    const { standIn } = await startWorld({ cancelLeaves });
    const id = await createdImport(w!, props({ RemovalPolicy: 'destroy' }));

    const outcome = await w!.deploy(deleteEvent(id, props({ RemovalPolicy: 'destroy' })));

    expect(outcome.error).toBeUndefined();
    expect(w!.importById(id).importStatus).toBe('CANCELLED');
    expect(standIn.logGroupExists(LOG_GROUP)).toBe(false);
    // When the cancel already removed it, the handler's DeleteLogGroup finds nothing: that is fine.
    expectServiceState(w!, { created: 1, cancelled: [id], deletedLogGroups: cancelLeaves === 'nothing' ? [] : [LOG_GROUP] });
  });

  test.each(['not-found', 'empty'] as const)('of an unknown import (DescribeImportTasks answers %s): succeeds, touches nothing', async (describeUnknownImportId) => {
    const { standIn } = await startWorld({ describeUnknownImportId });
    // Someone else's import of the same store: it must survive.
    const someoneElses = standIn.addImport({ importSourceArn: STORE });

    const outcome = await w!.deploy(deleteEvent('9d2a7a8e-0000-4000-8000-00000000dead', props({ RemovalPolicy: 'destroy' })));

    expect(outcome.error).toBeUndefined();
    expect(new Set(w!.operations())).toEqual(new Set(['DescribeImportTasks']));
    if (describeUnknownImportId === 'not-found') {
      expect(standIn.calls.some((c) => c.error === 'ResourceNotFoundException')).toBe(true);
    }
    expect(someoneElses.importStatus).toBe('IN_PROGRESS');
    expect(standIn.logGroupExists(LOG_GROUP)).toBe(true);
    expectServiceState(w!, { created: 0 });
  });
});

describe('Update', () => {
  test.each(['imported-data', 'nothing'] as const)(
    'with replacement while IN_PROGRESS (a cancel leaves %s): old cancelled, new created; the old one\'s DESTROY keeps the shared log group',
    async (cancelLeaves) => {
      const { standIn } = await startWorld({ cancelLeaves });
      const oldProps = props({ RemovalPolicy: 'destroy' });
      const oldId = await createdImport(w!, oldProps);
      const newProps = { ...oldProps, StartEventTime: String(Number(oldProps.StartEventTime) + DAY_MS) };

      const update = await w!.deploy(updateEvent(oldId, newProps, oldProps));

      expect(update.error).toBeUndefined();
      const newId = update.physicalResourceId!;
      expect(newId).not.toBe(oldId);
      expect(w!.importById(newId)).toMatchObject({ importStatus: 'IN_PROGRESS', importFilter: { startEventTime: Number(newProps.StartEventTime) } });
      expect(w!.importById(oldId).importStatus).toBe('CANCELLED');

      // CloudFormation then deletes the old physical ID, with the old properties.
      const cleanup = await w!.deploy(deleteEvent(oldId, oldProps));

      expect(cleanup.error).toBeUndefined();
      expect(standIn.callCount('DeleteLogGroup')).toBe(0);
      expect(standIn.logGroupExists(LOG_GROUP)).toBe(true);
      expect(w!.importById(newId).importStatus).toBe('IN_PROGRESS');
      expectServiceState(w!, { created: 2, cancelled: [oldId] });
    });

  test('of settings only (WaitForCompletion, TimeoutSeconds, RemovalPolicy): no create, cancel or delete', async () => {
    const { standIn } = await startWorld();
    const oldProps = props();
    const id = await createdImport(w!, oldProps);
    const before = standIn.calls.length;

    const outcome = await w!.deploy(updateEvent(id, { ...oldProps, WaitForCompletion: 'true', TimeoutSeconds: '900', RemovalPolicy: 'destroy' }, oldProps));

    expect(outcome.error).toBeUndefined();
    expect(outcome.physicalResourceId).toBe(id);
    expect(outcome.data).toMatchObject({ ImportId: id, ImportStatus: 'IN_PROGRESS', DestinationLogGroupName: LOG_GROUP });
    expect(new Set(standIn.calls.slice(before).map((c) => c.operation))).toEqual(new Set(['DescribeImportTasks']));
    expect(w!.importById(id).importStatus).toBe('IN_PROGRESS');
    expectServiceState(w!, { created: 1 });
  });
});

describe('wait mode', () => {
  test('COMPLETED: the attributes say so, with the bytes imported', async () => {
    const { standIn } = await startWorld();

    const outcome = await w!.deploy(createEvent(props({ WaitForCompletion: 'true' })), { beforePoll: () => standIn.tick() });

    expect(outcome.error).toBeUndefined();
    const created = only(w!);
    expect(created.importStatus).toBe('COMPLETED');
    expect(outcome.physicalResourceId).toBe(created.importId);
    expect(Number(outcome.data?.BytesImported)).toBeGreaterThan(0);
    expect(outcome.data).toMatchObject({ ImportId: created.importId, ImportStatus: 'COMPLETED', BytesImported: String(4 * MIB), DestinationLogGroupName: LOG_GROUP });
    expectServiceState(w!, { created: 1 });
  });

  test('FAILED: the error carries the task\'s message and the failed batch\'s', async () => {
    const { standIn } = await startWorld();
    standIn.addEventDataStore({ arn: STORE, failAtBatch: 2 });
    const taskMessage = 'Import failed: 1 batch could not be imported';

    const outcome = await w!.deploy(createEvent(props({ WaitForCompletion: 'true' })), {
      beforePoll: () => {
        standIn.tick();
        // The task's message differs from its batch's, to tell which one the error quotes.
        standIn.createdImports().filter((i) => i.importStatus === 'FAILED').forEach((i) => i.errorMessage = taskMessage);
      },
    });

    const created = only(w!);
    expect(created.importStatus).toBe('FAILED');
    expect(outcome.failedIn).toBe('isComplete');
    expect(outcome.physicalResourceId).toBe(created.importId);
    expect(outcome.error).toContain(`import ${created.importId} ended FAILED`);
    expect(outcome.error).toContain(taskMessage);
    expect(outcome.error).toContain('batch-0002: Simulated failure of batch 2');
    expectServiceState(w!, { created: 1 });
  });

  test('timeout: names the import, says it goes on running and how to watch it', async () => {
    const { standIn } = await startWorld();

    const outcome = await w!.deploy(createEvent(props({ WaitForCompletion: 'true', TimeoutSeconds: '600' })), {
      beforePoll: () => standIn.tick(),
      // The second poll as if 11 minutes had passed since the request.
      isCompleteRequest: (request, poll) => poll === 0 ? request
        : { ...request, Data: { ...request.Data, RequestedAt: String(Date.now() - 11 * 60_000) } },
    });

    const created = only(w!);
    expect(outcome.polls).toBe(2);
    expect(outcome.failedIn).toBe('isComplete');
    expect(outcome.physicalResourceId).toBe(created.importId);
    expect(outcome.error).toContain(`import ${created.importId} is still IN_PROGRESS after 11 min`);
    expect(outcome.error).toMatch(/goes on running/);
    expect(outcome.error).toContain(`status --import-id ${created.importId}`);
    expect(outcome.error).toContain(`describe-import-tasks --import-id ${created.importId}`);
    expect(created.importStatus).toBe('IN_PROGRESS');
    expectServiceState(w!, { created: 1 });
  });
});

describe('scale', () => {
  test('more than 50 imports of the store: pages through them, creates once, and a retry adopts from page 2', async () => {
    const { standIn } = await startWorld();
    const oldWindow = { startEventTime: Date.now() - 90 * DAY_MS, endEventTime: Date.now() - 60 * DAY_MS };
    const addCompleted = (n: number) => Array.from({ length: n }, () => standIn.addImport({ importSourceArn: STORE, importStatus: 'COMPLETED', importFilter: oldWindow }));
    addCompleted(60);
    const event = createEvent(props());
    standIn.dropAfterProcessingNext(1, 'CreateImportTask');
    w!.onCall((call) => {
      if (call.operation === 'CreateImportTask') standIn.serverErrorNext(1_000_000, 'DescribeImportTasks');
    });
    const first = await w!.deploy(event);
    expect(first.error).toMatch(/DescribeImportTasks failed/);
    const created = only(w!);
    // 60 more finish after it: the import to adopt is now past the first page (newest first).
    standIn.clearFaults();
    addCompleted(60);

    const retried = await w!.deploy(event);

    expect(retried.error).toBeUndefined();
    expect(retried.physicalResourceId).toBe(created.importId);
    expect(standIn.calls.some((c) => c.operation === 'DescribeImportTasks' && c.request.nextToken)).toBe(true);
    expectServiceState(w!, { created: 1 });
  });

  test.each(LIMIT_ERRORS)('ten imports created at once (wait mode): all ten finish, never more than 3 IN_PROGRESS (limit answered with %s)', async (limitError) => {
    // Ten invocations share two cores with a cold bundle: a 240 ms budget is spent before the first
    // answers arrive. 0.01 gives each invocation 2.4 s, still far less than the 240 s that ship.
    const { standIn } = await startWorld({ autoAdvance: 1, limitError }, 0.01);
    const stores = Array.from({ length: 10 }, (_, n) => storeArn(`store-${n + 1}`));
    stores.forEach((arn) => standIn.addEventDataStore({ arn }));

    const outcomes = await Promise.all(stores.map((arn, n) =>
      w!.deploy(createEvent(props({ WaitForCompletion: 'true' }, arn), `History${n}`), { pollIntervalMs: 5, maxPolls: 2_000 })));

    outcomes.forEach((o) => expect(o.error).toBeUndefined());
    const ids = outcomes.map((o) => o.physicalResourceId);
    expect(new Set(ids).size).toBe(10);
    outcomes.forEach((o, n) => {
      const record = w!.importById(o.physicalResourceId);
      expect(record.importSourceArn).toBe(stores[n]);
      expect(record.importStatus).toBe('COMPLETED');
      expect(o.data).toMatchObject({ ImportStatus: 'COMPLETED', BytesImported: String(4 * MIB) });
    });
    expect(w!.maxActive).toBe(3);
    // The service did refuse creates at the limit: the handler queued them and created them later.
    expect(standIn.calls.some((c) => c.operation === 'CreateImportTask' && c.error === limitError)).toBe(true);
    expectServiceState(w!, { created: 10 });
  });
});

describe('destination naming', () => {
  test.each(['no-leading-slash', 'leading-slash'] as const)('%s: the attributes come from the service\'s answer; DESTROY deletes that log group', async (destinationNaming) => {
    const { standIn } = await startWorld({ destinationNaming });
    const expectedName = destinationNaming === 'leading-slash' ? `/${LOG_GROUP}` : LOG_GROUP;
    const p = props({ RemovalPolicy: 'destroy' });

    const outcome = await w!.deploy(createEvent(p));

    const created = only(w!);
    expect(outcome.data).toMatchObject({
      DestinationLogGroupArn: created.importDestinationArn,
      DestinationLogGroupName: expectedName,
    });
    expect(created.importDestinationArn).toBe(`arn:aws:logs:us-east-1:111122223333:log-group:${expectedName}`);

    const removal = await w!.deploy(deleteEvent(created.importId, p));

    expect(removal.error).toBeUndefined();
    expect(standIn.logGroupExists(expectedName)).toBe(false);
    expectServiceState(w!, { created: 1, cancelled: [created.importId], deletedLogGroups: [expectedName] });
  });
});
