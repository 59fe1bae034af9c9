import { CloudFormationDriver, CloudFormationEvent } from './driver';
import * as seq from './sequences';
import { CloudFormationStandIn } from '../stand-in/cloudformation-stand-in';

type Answer = { Status: 'SUCCESS' | 'FAILED'; PhysicalResourceId?: string; Reason?: string } | undefined;

let cfn: CloudFormationStandIn;
let d: CloudFormationDriver;
/** Every event the toy handler got, with the stack status CloudFormation was in. */
let seen: Array<{ event: CloudFormationEvent; stackStatus: string }>;

/** Starts a driver whose toy handler answers `answer(event)` (undefined: no answer) by PUT, as the real one will. */
async function start(answer: (e: CloudFormationEvent) => Answer | Promise<Answer>) {
  cfn = await CloudFormationStandIn.start();
  seen = [];
  d = await CloudFormationDriver.start({
    cloudFormation: cfn,
    serviceTimeoutMs: 300,
    handler: async (event) => {
      seen.push({ event, stackStatus: cfn.stackStatus(event.StackId) });
      const a = await answer(event);
      if (!a) return;
      await fetch(event.ResponseURL, {
        method: 'PUT',
        body: JSON.stringify({ StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId, ...a }),
      });
    },
  });
}

afterEach(async () => {
  await d.settled();
  await d.close();
  await cfn.stop();
  expect(d.responseViolations).toEqual([]);
});

/** Answers SUCCESS with `id-<WindowStart>` on Create/Update (new props → new ID = replacement); echoes the ID on Delete. */
const byProps = (e: CloudFormationEvent): Answer => ({ Status: 'SUCCESS', PhysicalResourceId: e.RequestType === 'Delete' ? e.PhysicalResourceId : `id-${String(e.ResourceProperties.WindowStart)}` });
const calls = () => seen.map(({ event: e, stackStatus }) => [e.RequestType, e.PhysicalResourceId, stackStatus]);

test('events are in CloudFormation\'s format; a successful Create records the physical ID on the stack', async () => {
  await start(byProps);
  const { first } = await seq.createStack(d, 'Import', { WindowStart: 1, Wait: true });
  expect(first.status).toBe('SUCCESS');
  expect(Object.keys(first.event).sort()).toEqual(['LogicalResourceId', 'RequestId', 'RequestType', 'ResourceProperties', 'ResourceType', 'ResponseURL', 'ServiceToken', 'StackId']);
  expect(first.event.ResourceProperties).toEqual({ ServiceToken: d.serviceToken, WindowStart: '1', Wait: 'true' });
  expect(first.event.ResourceType).toBe('Custom::EventDataStoreImport');
  expect(d.physicalId('Import')).toBe('id-1');
  expect(d.stackStatus()).toBe('CREATE_COMPLETE');
  expect(cfn.resource(d.stackId, 'Import')?.resourceStatus).toBe('CREATE_COMPLETE');
});

test.each(['concurrently', 'after-response'] as const)('a re-delivered Create has the same RequestId (%s)', async (when) => {
  await start(byProps);
  const { first } = await seq.redeliveredCreate(d, 'Import', { WindowStart: 1 }, when);
  expect(seen.map((s) => s.event.RequestId)).toEqual([first.event.RequestId, first.event.RequestId]);
  expect(d.responsesTo(first.event.RequestId)).toHaveLength(2);
});

test('a lost Create response: Delete with an invented physical ID, in ROLLBACK_IN_PROGRESS', async () => {
  await start(byProps);
  const result = await seq.lostCreateResponse(d, 'Import', { WindowStart: 1 });
  expect(d.responses[0].PhysicalResourceId).toBe('id-1'); // arrived, but lost
  expect(result.delete?.event.PhysicalResourceId).toMatch(/^TestStack-Import-[A-Z0-9]{12}$/);
  expect(calls()[1]).toEqual(['Delete', result.delete?.event.PhysicalResourceId, 'ROLLBACK_IN_PROGRESS']);
  expect(d.stackStatus()).toBe('ROLLBACK_COMPLETE');
});

test('a FAILED Create is followed by Delete with the FAILED response\'s physical ID', async () => {
  await start((e) => e.RequestType === 'Create' ? { Status: 'FAILED', PhysicalResourceId: 'failed-1', Reason: 'no' } : byProps(e));
  await seq.createStack(d, 'Import', { WindowStart: 1 });
  expect(calls()).toEqual([['Create', undefined, 'CREATE_IN_PROGRESS'], ['Delete', 'failed-1', 'ROLLBACK_IN_PROGRESS']]);
});

test('another resource fails while the Create waits: Delete with an invented ID; the late answer changes nothing', async () => {
  let release!: () => void;
  const late = new Promise<void>((resolve) => { release = resolve; });
  await start(async (e) => {
    if (e.RequestType === 'Create') await late;
    return byProps(e);
  });
  const result = await seq.otherResourceFailsDuringCreate(d, 'Import', { WindowStart: 1 });
  expect(result.delete?.event.PhysicalResourceId).toMatch(/^TestStack-Import-/);
  expect(calls()[1]).toEqual(['Delete', result.delete?.event.PhysicalResourceId, 'ROLLBACK_IN_PROGRESS']);
  release();
  await d.settled();
  expect(d.responsesTo(result.first.event.RequestId)).toHaveLength(1);
  expect(d.stackStatus()).toBe('ROLLBACK_COMPLETE');
});

describe('updates', () => {
  beforeEach(async () => {
    await start((e) => answers(e));
    await seq.createStack(d, 'Import', { WindowStart: 1 });
    seen.length = 0;
  });
  let answers: (e: CloudFormationEvent) => Answer = byProps;
  afterEach(() => { answers = byProps; });

  test('an in-place Update keeps the ID; OldResourceProperties are the applied ones', async () => {
    const { first } = await seq.updateStack(d, 'Import', { WindowStart: 1, Note: 'x' });
    expect(first.event).toMatchObject({ PhysicalResourceId: 'id-1', OldResourceProperties: { WindowStart: '1' }, ResourceProperties: { WindowStart: '1', Note: 'x' } });
    expect(calls()).toEqual([['Update', 'id-1', 'UPDATE_IN_PROGRESS']]);
    expect(d.stackStatus()).toBe('UPDATE_COMPLETE');
  });

  test('replacement: Delete of the OLD ID in UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', async () => {
    const { delete: cleanup } = await seq.replacement(d, 'Import', { WindowStart: 2 });
    expect(calls()).toEqual([['Update', 'id-1', 'UPDATE_IN_PROGRESS'], ['Delete', 'id-1', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS']]);
    expect(cleanup?.event.ResourceProperties).toMatchObject({ WindowStart: '1' });
    expect(d.physicalId('Import')).toBe('id-2');
    expect(d.stackStatus()).toBe('UPDATE_COMPLETE');
  });

  test('replacement, then another resource fails: the old one is kept, Delete of the NEW ID', async () => {
    await seq.replacementThenOtherResourceFails(d, 'Import', { WindowStart: 2 });
    expect(calls()).toEqual([['Update', 'id-1', 'UPDATE_IN_PROGRESS'], ['Delete', 'id-2', 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS']]);
    expect(d.physicalId('Import')).toBe('id-1');
    expect(d.properties.get('Import')).toMatchObject({ WindowStart: '1' });
    expect(d.stackStatus()).toBe('UPDATE_ROLLBACK_COMPLETE');
  });

  test('a FAILED Update carrying a new ID: Delete of the new ID on rollback', async () => {
    answers = (e) => e.RequestType === 'Update' ? { Status: 'FAILED', PhysicalResourceId: 'id-2', Reason: 'no' } : byProps(e);
    await seq.updateStack(d, 'Import', { WindowStart: 2 });
    expect(calls()).toEqual([['Update', 'id-1', 'UPDATE_IN_PROGRESS'], ['Delete', 'id-2', 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS']]);
    expect(d.physicalId('Import')).toBe('id-1');
  });

  test('a FAILED Update carrying the old ID: rollback Update with the old properties', async () => {
    answers = (e) => e.RequestType === 'Update' && e.ResourceProperties.WindowStart === '2' ? { Status: 'FAILED', PhysicalResourceId: 'id-1', Reason: 'no' } : byProps(e);
    const { rollback } = await seq.updateStack(d, 'Import', { WindowStart: 2 });
    expect(rollback?.event).toMatchObject({ PhysicalResourceId: 'id-1', ResourceProperties: { WindowStart: '1' }, OldResourceProperties: { WindowStart: '2' } });
    expect(calls().map(([t, , s]) => [t, s])).toEqual([['Update', 'UPDATE_IN_PROGRESS'], ['Update', 'UPDATE_ROLLBACK_IN_PROGRESS']]);
    expect(d.stackStatus()).toBe('UPDATE_ROLLBACK_COMPLETE');
  });

  test('stack deletion: Delete of the current ID in DELETE_IN_PROGRESS', async () => {
    await seq.deleteStack(d);
    expect(calls()).toEqual([['Delete', 'id-1', 'DELETE_IN_PROGRESS']]);
    expect(d.stackStatus()).toBe('DELETE_COMPLETE');
  });
});

test('no answer within the service timeout is TIMED_OUT; a malformed answer is a violation', async () => {
  await start((e) => e.RequestType === 'Create' ? undefined : { Status: 'SUCCESS' });
  const { first, delete: del } = await seq.createStack(d, 'Import', {});
  expect(first.status).toBe('TIMED_OUT');
  expect(del?.status).toBe('SUCCESS');
  expect(d.responseViolations).toEqual([expect.stringMatching(/PhysicalResourceId is missing/)]);
  d.responseViolations.length = 0;
});
