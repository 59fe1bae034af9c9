/** The CloudWatch Logs stand-in's FilterLogEvents (what the cutover and `status` read ongoing events with). */
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CloudWatchLogsStandIn, cloudWatchLogsClientFor } from './cloudwatch-logs-stand-in';

const GROUP = 'aws/cloudtrail/managementevents';
const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);

let standIn: CloudWatchLogsStandIn;
let client: CloudWatchLogsClient;

beforeEach(async () => {
  standIn = await CloudWatchLogsStandIn.start({ filterOrder: 'ascending' });
  client = cloudWatchLogsClientFor(standIn, { maxAttempts: 1 });
});

afterEach(async () => {
  client.destroy();
  await standIn.stop();
});

test('events from startTime to endTime, oldest first (filterOrder ascending), paginated by limit; shapes conform to the SDK model', async () => {
  standIn.addLogEvents(GROUP, [{ timestamp: T0 + 3000 }, { timestamp: T0, message: '{"eventName":"A"}' }, { timestamp: T0 + 1000 }, { timestamp: T0 + 2000 }]);
  const first = await client.send(new FilterLogEventsCommand({ logGroupName: GROUP, startTime: T0 + 1, endTime: T0 + 3000, limit: 2 }));
  expect(first.events?.map((e) => e.timestamp)).toEqual([T0 + 1000, T0 + 2000]);
  expect(first.nextToken).toEqual(expect.any(String));
  const window = { logGroupName: GROUP, startTime: T0 + 1, endTime: T0 + 3000, limit: 2 };
  const second = await client.send(new FilterLogEventsCommand({ ...window, nextToken: first.nextToken }));
  expect(second.events?.map((e) => e.timestamp)).toEqual([T0 + 3000]);
  expect(second.nextToken).toBeUndefined();

  const all = await client.send(new FilterLogEventsCommand({ logGroupIdentifier: `arn:aws:logs:us-east-1:123456789012:log-group:${GROUP}` }));
  expect(all.events?.map((e) => [e.timestamp, e.message])).toEqual([[T0, '{"eventName":"A"}'], [T0 + 1000, '{}'], [T0 + 2000, '{}'], [T0 + 3000, '{}']]);
  expect(standIn.shapeViolations).toEqual([]);
});

test('a group that does not exist is ResourceNotFoundException; an existing group without events is an empty page', async () => {
  await expect(client.send(new FilterLogEventsCommand({ logGroupName: 'aws/cloudtrail/dataevents' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  standIn.addLogGroup('aws/cloudtrail/dataevents');
  const page = await client.send(new FilterLogEventsCommand({ logGroupName: 'aws/cloudtrail/dataevents', startTime: T0, limit: 1 }));
  expect(page.events).toEqual([]);
  expect(standIn.callCount('FilterLogEvents')).toBe(2);
  expect(standIn.shapeViolations).toEqual([]);
});

test('the fault knobs apply to FilterLogEvents too', async () => {
  standIn.addLogEvents(GROUP, [{ timestamp: T0 }]);
  standIn.accessDeniedFirst(1, 'FilterLogEvents');
  await expect(client.send(new FilterLogEventsCommand({ logGroupName: GROUP }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
  expect((await client.send(new FilterLogEventsCommand({ logGroupName: GROUP }))).events).toHaveLength(1);
});

test('filterOrder as-delivered (the default): events in the order they were delivered', async () => {
  const delivered = await CloudWatchLogsStandIn.start();
  const c = cloudWatchLogsClientFor(delivered);
  try {
    delivered.addLogEvents(GROUP, [{ timestamp: T0 + 3000 }, { timestamp: T0 }]);
    const page = await c.send(new FilterLogEventsCommand({ logGroupName: GROUP }));
    expect(page.events?.map((e) => e.timestamp)).toEqual([T0 + 3000, T0]);
  } finally {
    c.destroy();
    await delivered.stop();
  }
});
