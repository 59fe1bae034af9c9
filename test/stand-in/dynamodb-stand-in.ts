/**
 * DynamoDB for tests: dynalite (a real DynamoDB implementation on an in-memory LevelDB) on
 * loopback, with the tables a synthesized template declares, in the shapes that ship (KeySchema,
 * AttributeDefinitions, indexes, BillingMode). dynalite has no TransactWriteItems/TransactGetItems,
 * and no continuous-backup (PITR) operations: code under test cannot use them here.
 */
import type { Socket } from 'node:net';
import { CreateTableCommand, CreateTableCommandInput, DynamoDBClient, DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';

// dynalite ships no types: it returns an http.Server.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite: (options: Record<string, unknown>) => import('node:http').Server = require('dynalite');

const TABLE_TYPES = ['AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable'];

type Template = { Resources?: Record<string, { Type: string; Properties?: any }> };

/** CreateTable inputs for the template's tables; the name is TableName if literal, else the logical ID. */
export function tablesFromTemplate(template: Template): Array<{ logicalId: string; input: CreateTableCommandInput }> {
  return Object.entries(template.Resources ?? {})
    .filter(([, r]) => TABLE_TYPES.includes(r.Type))
    .map(([logicalId, { Properties: p = {} }]) => {
      const provisioned = p.BillingMode !== 'PAY_PER_REQUEST';
      // GlobalTable: throughput is per replica/index (write capacity only); a test table needs one.
      const throughput = p.ProvisionedThroughput ?? (provisioned ? { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } : undefined);
      const index = (i: any) => ({
        IndexName: i.IndexName,
        KeySchema: i.KeySchema,
        Projection: i.Projection,
        ProvisionedThroughput: provisioned ? (i.ProvisionedThroughput ?? throughput) : undefined,
      });
      return {
        logicalId,
        input: {
          TableName: typeof p.TableName === 'string' ? p.TableName : logicalId,
          KeySchema: p.KeySchema,
          AttributeDefinitions: p.AttributeDefinitions,
          BillingMode: p.BillingMode ?? 'PROVISIONED',
          ProvisionedThroughput: throughput,
          GlobalSecondaryIndexes: p.GlobalSecondaryIndexes?.map(index),
          LocalSecondaryIndexes: p.LocalSecondaryIndexes?.map(({ IndexName, KeySchema, Projection }: any) => ({ IndexName, KeySchema, Projection })),
        },
      };
    });
}

export class DynamoDbStandIn {
  /** Starts dynalite on a free loopback port and creates the template's tables (if any). */
  public static async start(template: Template = {}): Promise<DynamoDbStandIn> {
    const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    const sockets = new Set<Socket>();
    server.on('connection', (s: Socket) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('dynalite did not get a TCP port');
    const standIn = new DynamoDbStandIn(server, sockets, `http://127.0.0.1:${address.port}`);
    await standIn.createTables(template);
    return standIn;
  }

  /** Table name by logical ID, for the tables created from templates. */
  public readonly tableNames: Record<string, string> = {};
  private closed = false;

  private constructor(
    private readonly server: import('node:http').Server,
    private readonly sockets: Set<Socket>,
    /** Base URL for the SDK's `endpoint` (or `AWS_ENDPOINT_URL_DYNAMODB`). */
    public readonly endpoint: string,
  ) {}

  /** Creates the template's tables (ACTIVE at once). */
  public async createTables(template: Template): Promise<void> {
    const client = this.client();
    try {
      for (const { logicalId, input } of tablesFromTemplate(template)) {
        await client.send(new CreateTableCommand(input));
        this.tableNames[logicalId] = input.TableName!;
      }
    } finally {
      client.destroy();
    }
  }

  /** A real DynamoDB client pointed at dynalite (dummy credentials); `overrides` win. */
  public client(overrides: DynamoDBClientConfig = {}): DynamoDBClient {
    return new DynamoDBClient({ endpoint: this.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, ...overrides });
  }

  /** Closes dynalite and every open connection; safe to call twice. */
  public async stop(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.sockets.forEach((s) => s.destroy());
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
