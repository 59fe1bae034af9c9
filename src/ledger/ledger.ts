/**
 * The ledger: a DynamoDB table of the stack holding one owner record per import request, and the
 * slot leases. Conditional writes make each state transition happen once, whoever races for it.
 */
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { OwnerRecord, PendingResponse, RecordState, SlotHolder, SLOTS_KEY } from './record';

export interface RecordKey {
  readonly pk: string;
  readonly sk: string;
}

/** The slot leases item as read, with the version that a write must match. */
export interface Slots {
  readonly holders: Record<string, SlotHolder>;
  readonly version: number;
}

/** Changes to a record: a value sets the attribute, `undefined` removes it. */
export type RecordChanges = Partial<{ -readonly [K in keyof OwnerRecord]: OwnerRecord[K] | undefined }>;

/** Only the key: records are passed where keys are expected, and DynamoDB rejects extra attributes. */
function keyOf(key: RecordKey): RecordKey {
  return { pk: key.pk, sk: key.sk };
}

export class Ledger {
  private readonly documents: DynamoDBDocumentClient;

  constructor(client: DynamoDBClient, public readonly tableName: string) {
    this.documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  public async get(key: RecordKey): Promise<OwnerRecord | undefined> {
    const out = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: keyOf(key), ConsistentRead: true }));
    return out.Item as OwnerRecord | undefined;
  }

  /** Writes a new record; false if a record with that key exists (a re-delivered request). */
  public async create(record: OwnerRecord): Promise<boolean> {
    try {
      await this.documents.send(new PutCommand({
        TableName: this.tableName,
        Item: record,
        ConditionExpression: 'attribute_not_exists(pk)',
      }));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || (error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  /**
   * Applies `changes` if the record is in one of `from` (any state when omitted); returns the
   * record after the change, or undefined when the condition did not hold (someone else moved it).
   */
  public async update(key: RecordKey, changes: RecordChanges, from?: readonly RecordState[]): Promise<OwnerRecord | undefined> {
    const names: Record<string, string> = { '#updatedAt': 'updatedAt' };
    const values: Record<string, unknown> = { ':updatedAt': Date.now() };
    const sets = ['#updatedAt = :updatedAt'];
    const removes: string[] = [];
    for (const [name, value] of Object.entries(changes)) {
      names[`#${name}`] = name;
      if (value === undefined) {
        removes.push(`#${name}`);
      } else {
        values[`:${name}`] = value;
        sets.push(`#${name} = :${name}`);
      }
    }
    const conditions = ['attribute_exists(pk)'];
    if (from) {
      names['#state'] = 'state';
      conditions.push(`#state IN (${from.map((state, i) => { values[`:from${i}`] = state; return `:from${i}`; }).join(', ')})`);
    }
    return this.conditionally(new UpdateCommand({
      TableName: this.tableName,
      Key: keyOf(key),
      UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
      ConditionExpression: conditions.join(' AND '),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ReturnValues: 'ALL_NEW',
    }));
  }

  /**
   * Names the record's current execution, generation `to`, if the record is still at generation
   * `from` (absent counts as 0); undefined when it is not (another generation took over).
   */
  public async moveExecution(key: RecordKey, from: number, to: number, executionArn: string): Promise<OwnerRecord | undefined> {
    return this.conditionally(new UpdateCommand({
      TableName: this.tableName,
      Key: keyOf(key),
      UpdateExpression: 'SET #generation = :to, #executionArn = :executionArn, #updatedAt = :updatedAt',
      ConditionExpression: `attribute_exists(pk) AND (#generation = :from${from === 0 ? ' OR attribute_not_exists(#generation)' : ''})`,
      ExpressionAttributeNames: { '#generation': 'generation', '#executionArn': 'executionArn', '#updatedAt': 'updatedAt' },
      ExpressionAttributeValues: { ':to': to, ':from': from, ':executionArn': executionArn, ':updatedAt': Date.now() },
      ReturnValues: 'ALL_NEW',
    }));
  }

  /** Registers a CloudFormation request to be answered later, if the record is still in `from`. */
  public async addPendingResponse(key: RecordKey, response: PendingResponse, from: readonly RecordState[]): Promise<OwnerRecord | undefined> {
    const values: Record<string, unknown> = { ':response': response, ':empty': {} };
    from.forEach((state, i) => { values[`:from${i}`] = state; });
    // Two steps: a missing map cannot take a nested SET in the same expression that creates it.
    await this.conditionally(new UpdateCommand({
      TableName: this.tableName,
      Key: keyOf(key),
      UpdateExpression: 'SET #pending = if_not_exists(#pending, :empty)',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#pending': 'pendingResponses' },
      ExpressionAttributeValues: { ':empty': {} },
    }));
    delete values[':empty'];
    return this.conditionally(new UpdateCommand({
      TableName: this.tableName,
      Key: keyOf(key),
      UpdateExpression: 'SET #pending.#request = :response',
      ConditionExpression: `#state IN (${from.map((_, i) => `:from${i}`).join(', ')})`,
      ExpressionAttributeNames: { '#pending': 'pendingResponses', '#request': response.requestId, '#state': 'state' },
      ExpressionAttributeValues: values,
      ReturnValues: 'ALL_NEW',
    }));
  }

  /** Forgets an answered request. */
  public async removePendingResponse(key: RecordKey, requestId: string): Promise<void> {
    await this.conditionally(new UpdateCommand({
      TableName: this.tableName,
      Key: keyOf(key),
      UpdateExpression: 'REMOVE #pending.#request',
      ConditionExpression: 'attribute_exists(#pending.#request)',
      ExpressionAttributeNames: { '#pending': 'pendingResponses', '#request': requestId },
    }));
  }

  /** Every record of one custom resource (all its requests), oldest first. */
  public async recordsOf(pk: string): Promise<OwnerRecord[]> {
    const records: OwnerRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.documents.send(new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }));
      records.push(...(page.Items ?? []) as OwnerRecord[]);
      start = page.LastEvaluatedKey;
    } while (start);
    return records.sort((a, b) => a.createdAt - b.createdAt);
  }

  /** Every owner record of the ledger (one per import request of the stack: a small table). */
  public async allRecords(): Promise<OwnerRecord[]> {
    const records: OwnerRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.documents.send(new ScanCommand({ TableName: this.tableName, ConsistentRead: true, ExclusiveStartKey: start }));
      records.push(...(page.Items ?? []).filter((item) => item.pk !== SLOTS_KEY.pk) as OwnerRecord[]);
      start = page.LastEvaluatedKey;
    } while (start);
    return records.sort((a, b) => a.createdAt - b.createdAt);
  }

  public async slots(): Promise<Slots> {
    const out = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: SLOTS_KEY, ConsistentRead: true }));
    return { holders: (out.Item?.holders ?? {}) as Record<string, SlotHolder>, version: (out.Item?.version ?? 0) as number };
  }

  /** Replaces the leases if nobody changed them since `read`; false if someone did. */
  public async writeSlots(read: Slots, holders: Record<string, SlotHolder>): Promise<boolean> {
    const written = await this.conditionally(new PutCommand({
      TableName: this.tableName,
      Item: { ...SLOTS_KEY, holders, version: read.version + 1 },
      ConditionExpression: read.version === 0 ? 'attribute_not_exists(pk)' : 'version = :version',
      ExpressionAttributeValues: read.version === 0 ? undefined : { ':version': read.version },
    }));
    return written !== undefined;
  }

  private async conditionally(command: UpdateCommand | PutCommand): Promise<OwnerRecord | undefined> {
    try {
      const out = await this.documents.send(command as UpdateCommand);
      return (out.Attributes ?? {}) as OwnerRecord;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return undefined;
      throw error;
    }
  }
}
