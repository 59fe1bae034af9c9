import { CloudFormationClient, DescribeStackResourceCommand, DescribeStacksCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { CloudFormationStandIn } from './cloudformation-stand-in';

let standIn: CloudFormationStandIn;
let client: CloudFormationClient;
beforeEach(async () => {
  standIn = await CloudFormationStandIn.start({ pageSize: 1 });
  client = new CloudFormationClient({ endpoint: standIn.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
});
afterEach(async () => {
  client.destroy();
  await standIn.stop();
});

test('DescribeStacks and DescribeStackResource answer what the test (or the driver) set, by stack name or ID', async () => {
  const stackId = standIn.setStack('Migration', [{ logicalResourceId: 'Import', resourceType: 'Custom::EventDataStoreImport', resourceStatus: 'CREATE_IN_PROGRESS' }], { stackStatus: 'CREATE_IN_PROGRESS' });
  expect((await client.send(new DescribeStacksCommand({ StackName: stackId }))).Stacks).toEqual([
    expect.objectContaining({ StackName: 'Migration', StackId: stackId, StackStatus: 'CREATE_IN_PROGRESS' }),
  ]);
  const before = await client.send(new DescribeStackResourceCommand({ StackName: 'Migration', LogicalResourceId: 'Import' }));
  expect(before.StackResourceDetail).toMatchObject({ StackId: stackId, ResourceStatus: 'CREATE_IN_PROGRESS' });
  expect(before.StackResourceDetail?.PhysicalResourceId).toBeUndefined();

  standIn.setResource(stackId, 'Import', { physicalResourceId: 'import-1', resourceStatus: 'CREATE_COMPLETE' });
  standIn.setStackStatus('Migration', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
  const after = await client.send(new DescribeStackResourceCommand({ StackName: stackId, LogicalResourceId: 'Import' }));
  expect(after.StackResourceDetail).toMatchObject({ LogicalResourceId: 'Import', PhysicalResourceId: 'import-1', ResourceStatus: 'CREATE_COMPLETE', ResourceType: 'Custom::EventDataStoreImport' });
  expect((await client.send(new DescribeStacksCommand({ StackName: 'Migration' }))).Stacks?.[0].StackStatus).toBe('UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
  expect((await client.send(new ListStackResourcesCommand({ StackName: stackId }))).StackResourceSummaries).toHaveLength(1);
});

test('unknown stacks and resources are ValidationErrors, as CloudFormation answers them', async () => {
  standIn.setStack('Migration', []);
  await expect(client.send(new DescribeStacksCommand({ StackName: 'Nope' }))).rejects.toMatchObject({ name: 'ValidationError', message: 'Stack with id Nope does not exist' });
  await expect(client.send(new DescribeStackResourceCommand({ StackName: 'Migration', LogicalResourceId: 'X' })))
    .rejects.toMatchObject({ name: 'ValidationError', message: 'Resource X does not exist for stack Migration' });
});
