import { DescribeTableCommand, PutItemCommand, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { DynamoDbStandIn } from './dynamodb-stand-in';

/** A ledger-like table (on-demand, PITR, RETAIN, a GSI) and an AWS::DynamoDB::GlobalTable (what TableV2 makes). */
function template(): any {
  const stack = new Stack(new App(), 'Tables');
  const ledger = new dynamodb.Table(stack, 'Ledger', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    removalPolicy: RemovalPolicy.RETAIN,
  });
  ledger.addGlobalSecondaryIndex({ indexName: 'bySource', partitionKey: { name: 'source', type: dynamodb.AttributeType.STRING } });
  new dynamodb.CfnGlobalTable(stack, 'Other', {
    tableName: 'other-table',
    keySchema: [{ attributeName: 'id', keyType: 'HASH' }],
    attributeDefinitions: [{ attributeName: 'id', attributeType: 'N' }, { attributeName: 'name', attributeType: 'S' }],
    billingMode: 'PAY_PER_REQUEST',
    globalSecondaryIndexes: [{ indexName: 'byName', keySchema: [{ attributeName: 'name', keyType: 'HASH' }], projection: { projectionType: 'ALL' } }],
    replicas: [{ region: 'us-east-1' }],
  });
  return Template.fromStack(stack).toJSON();
}

let standIn: DynamoDbStandIn;
afterEach(async () => standIn.stop());

test('the template\'s tables exist in their shipped shapes', async () => {
  standIn = await DynamoDbStandIn.start(template());
  const names = standIn.tableNames;
  expect(Object.values(names)).toEqual([expect.stringMatching(/^Ledger/), 'other-table']);
  const client = standIn.client();
  const ledger = (await client.send(new DescribeTableCommand({ TableName: Object.values(names)[0] }))).Table!;
  expect(ledger).toMatchObject({
    TableStatus: 'ACTIVE',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
    GlobalSecondaryIndexes: [expect.objectContaining({ IndexName: 'bySource' })],
  });
  const other = (await client.send(new DescribeTableCommand({ TableName: 'other-table' }))).Table!;
  expect(other.GlobalSecondaryIndexes).toEqual([expect.objectContaining({ IndexName: 'byName' })]);
  client.destroy();
});

test('conditional writes: a failed ConditionExpression is ConditionalCheckFailedException; GSIs answer queries', async () => {
  standIn = await DynamoDbStandIn.start(template());
  const TableName = Object.values(standIn.tableNames)[0];
  const client = standIn.client();
  const put = () => client.send(new PutItemCommand({
    TableName,
    Item: { pk: { S: 'import#1' }, sk: { S: 'owner' }, source: { S: 'store-1' }, state: { S: 'scheduled' } },
    ConditionExpression: 'attribute_not_exists(pk)',
  }));
  await put();
  await expect(put()).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });

  const transition = (from: string, to: string) => client.send(new UpdateItemCommand({
    TableName,
    Key: { pk: { S: 'import#1' }, sk: { S: 'owner' } },
    UpdateExpression: 'SET #s = :to',
    ConditionExpression: '#s = :from',
    ExpressionAttributeNames: { '#s': 'state' },
    ExpressionAttributeValues: { ':from': { S: from }, ':to': { S: to } },
  }));
  await transition('scheduled', 'creating');
  await expect(transition('scheduled', 'creating')).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });

  const bySource = await client.send(new QueryCommand({
    TableName, IndexName: 'bySource', KeyConditionExpression: '#src = :s', ExpressionAttributeNames: { '#src': 'source' }, ExpressionAttributeValues: { ':s': { S: 'store-1' } },
  }));
  expect(bySource.Items?.map((i) => i.state.S)).toEqual(['creating']);
  client.destroy();
});
