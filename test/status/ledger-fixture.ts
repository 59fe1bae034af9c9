/**
 * The ledger side of the status command's tests: on the shared DynamoDB stand-in (dynalite), a
 * ledger table made with the key schema of the Ledger that the
 * construct synthesizes, the stack's resources as ListStackResources would list them (logical IDs
 * from the same template), and owner records written with the src/ledger Ledger class.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CreateTableCommand, CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EventDataStoreImport, ImportSource } from '../../src';
import { Ledger } from '../../src/ledger/ledger';
import { OwnerRecord, partitionKey } from '../../src/ledger/record';
import { destinationLogGroupName, eventDataStoreIdOf } from '../../src/orchestrator/contract';
import { recordIdOf } from '../../src/orchestrator/request';
import type { StackResourceInit } from '../stand-in/cloudformation-stand-in';
import { DynamoDbStandIn } from '../stand-in/dynamodb-stand-in';

const ASSET = path.join(__dirname, '..', '..', 'assets', 'orchestrator', 'orchestrator.lambda');

/** A resource of the synthesized stack: its logical ID and type. */
export interface SynthesizedResource {
  readonly logicalId: string;
  readonly type: string;
}

/** What the tests take from a synthesized stack with two imports (ImportA of `storeA`, ImportB of `storeB`). */
export interface SynthesizedStack {
  readonly resources: SynthesizedResource[];
  readonly ledgerLogicalId: string;
  /** The ledger's KeySchema and AttributeDefinitions, as the template says. */
  readonly table: Pick<CreateTableCommandInput, 'KeySchema' | 'AttributeDefinitions'>;
  /** Logical ID of each import's custom resource, by construct ID. */
  readonly imports: Record<'ImportA' | 'ImportB', string>;
}

let synthesized: SynthesizedStack | undefined;

/** Synthesizes once per test file (it takes a second or two). */
export function synthesizedStack(env: { account: string; region: string }, storeA: string, storeB: string): SynthesizedStack {
  if (synthesized) return synthesized;
  if (!fs.existsSync(ASSET)) throw new Error(`The orchestrator's asset ${ASSET} is missing: run \`npx projen bundle\` first.`);
  const stack = new Stack(new App(), 'Migration', { env });
  new EventDataStoreImport(stack, 'ImportA', { source: ImportSource.fromEventDataStoreArn(storeA) });
  new EventDataStoreImport(stack, 'ImportB', { source: ImportSource.fromEventDataStoreArn(storeB) });
  const template = Template.fromStack(stack).toJSON() as { Resources: Record<string, { Type: string; Properties?: any }> };
  const entries = Object.entries(template.Resources);
  const tables = entries.filter(([, r]) => r.Type === 'AWS::DynamoDB::Table');
  if (tables.length !== 1) throw new Error(`expected one AWS::DynamoDB::Table in the template, found ${tables.length}`);
  const [ledgerLogicalId, ledger] = tables[0];
  const logicalIdOf = (id: string) => {
    const found = entries.filter(([logicalId, r]) => r.Type === 'Custom::EventDataStoreImport' && logicalId.startsWith(id));
    if (found.length !== 1) throw new Error(`expected one Custom::EventDataStoreImport for ${id}, found ${found.length}`);
    return found[0][0];
  };
  synthesized = {
    resources: entries.map(([logicalId, r]) => ({ logicalId, type: r.Type })),
    ledgerLogicalId,
    table: { KeySchema: ledger.Properties.KeySchema, AttributeDefinitions: ledger.Properties.AttributeDefinitions },
    imports: { ImportA: logicalIdOf('ImportA'), ImportB: logicalIdOf('ImportB') },
  };
  return synthesized;
}

/** Creates a ledger table with the synthesized key schema on the shared DynamoDB stand-in; returns a Ledger on it. */
export async function createLedger(dynamodb: DynamoDbStandIn, region: string, tableName: string, table: SynthesizedStack['table']): Promise<Ledger> {
  const client = dynamodb.client({ region });
  await client.send(new CreateTableCommand({ TableName: tableName, BillingMode: 'PAY_PER_REQUEST', ...table }));
  return new Ledger(client, tableName);
}

export const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/Migration/11111111-2222-4333-8444-555555555555';

/** An owner record of the Migration stack; `requestId` makes it another request of the same resource. */
export function ownerRecord(init: Partial<OwnerRecord> & Pick<OwnerRecord, 'logicalResourceId' | 'sourceArn' | 'state' | 'createdAt'> & { requestId?: string }): OwnerRecord {
  const requestId = init.requestId ?? `request-${init.logicalResourceId}-${init.createdAt}`;
  const storeId = eventDataStoreIdOf(init.sourceArn);
  return {
    pk: partitionKey(STACK_ID, init.logicalResourceId),
    sk: recordIdOf({ StackId: STACK_ID, LogicalResourceId: init.logicalResourceId, RequestId: requestId }),
    stackId: STACK_ID,
    requestId,
    roleArn: 'arn:aws:iam::123456789012:role/import',
    requested: {},
    window: {},
    removalPolicy: 'retain',
    waitForCompletion: false,
    expectedLogGroupName: destinationLogGroupName(storeId),
    cloudFormation: 'SUCCESS',
    createAttempts: 0,
    updatedAt: init.createdAt,
    ...init,
  };
}

/** The stack's resources as ListStackResources lists them: the ledger named `tableName`, the imports with `physicalIds`. */
export function stackResources(stack: SynthesizedStack, tableName: string | undefined, physicalIds: Partial<Record<'ImportA' | 'ImportB', string | null>>): StackResourceInit[] {
  const byLogicalId = new Map(Object.entries(stack.imports).map(([name, logicalId]) => [logicalId, name as 'ImportA' | 'ImportB']));
  return stack.resources.flatMap((r): StackResourceInit[] => {
    if (r.logicalId === stack.ledgerLogicalId) {
      return [tableName === undefined ? { logicalResourceId: r.logicalId, resourceType: r.type, resourceStatus: 'CREATE_IN_PROGRESS' } : { logicalResourceId: r.logicalId, resourceType: r.type, physicalResourceId: tableName }];
    }
    const name = byLogicalId.get(r.logicalId);
    if (name === undefined) return [{ logicalResourceId: r.logicalId, resourceType: r.type, physicalResourceId: `${r.logicalId}-physical` }];
    const physicalId = physicalIds[name];
    if (physicalId === undefined) return []; // not in the stack (any more)
    return [physicalId === null
      ? { logicalResourceId: r.logicalId, resourceType: r.type, resourceStatus: 'CREATE_IN_PROGRESS' }
      : { logicalResourceId: r.logicalId, resourceType: r.type, physicalResourceId: physicalId }];
  });
}
