/**
 * Shared set-up of the status command's tests: the stand-ins and dynalite, the environment the AWS
 * SDK reads (AWS_ENDPOINT_URL and friends), and fake output streams.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { createLedger, SynthesizedStack, synthesizedStack } from './ledger-fixture';
import { Ledger } from '../../src/ledger/ledger';
import { CloudFormationStandIn, CloudFormationStandInOptions } from '../stand-in/cloudformation-stand-in';
import { CloudWatchLogsStandIn, StandInOptions } from '../stand-in/cloudwatch-logs-stand-in';
import { DynamoDbStandIn } from '../stand-in/dynamodb-stand-in';

export const REGION = 'us-east-1';
export const ACCOUNT = '123456789012';
export const STORE_A = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:eventdatastore/aaaaaaaa-1111-4111-8111-aaaaaaaaaaaa`;
export const STORE_B = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:eventdatastore/bbbbbbbb-2222-4222-8222-bbbbbbbbbbbb`;

/** The `--json` keys of the owner record, for an import not read from a ledger. */
export const NO_RECORD = {
  recordId: null,
  state: null,
  queuePosition: null,
  logicalResourceId: null,
  retired: null,
  generation: null,
  destinationMismatch: null,
  migration: null,
} as const;

/** Every CSI / OSC / single-character escape sequence. */
// eslint-disable-next-line no-control-regex
export const ANSI = /\u001b(\[[0-9;?]*[ -/]*[@-~]|\][^\u0007]*\u0007|[78=>])/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/** An output stream that records what is written. */
export class FakeStream {
  public text = '';
  constructor(public readonly isTTY = false, public readonly columns = 160) {}
  public write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

/** Variables the SDK would otherwise pick up from the machine (profiles, containers, instance metadata...). */
const AMBIENT = [
  'AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN', 'AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_CLOUDFORMATION', 'AWS_ENDPOINT_URL_CLOUDWATCH_LOGS', 'AWS_ENDPOINT_URL_DYNAMODB',
  'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_EC2_METADATA_DISABLED', 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED',
  'NO_COLOR', 'TERM',
];

/** The stand-ins and dynalite, and `process.env` pointing the SDK at them. `stop()` undoes everything. */
export class Fixture {
  public static async start(options: { logs?: StandInOptions; cloudFormation?: CloudFormationStandInOptions } = {}): Promise<Fixture> {
    const logs = await CloudWatchLogsStandIn.start({ region: REGION, account: ACCOUNT, ...options.logs });
    const cloudFormation = await CloudFormationStandIn.start(options.cloudFormation);
    const dynamodb = await DynamoDbStandIn.start();
    logs.addEventDataStore({ arn: STORE_A });
    logs.addEventDataStore({ arn: STORE_B });
    return new Fixture(logs, cloudFormation, dynamodb);
  }

  private readonly savedEnv: Record<string, string | undefined> = {};

  private constructor(
    public readonly logs: CloudWatchLogsStandIn,
    public readonly cloudFormation: CloudFormationStandIn,
    public readonly dynamodb: DynamoDbStandIn,
  ) {
    AMBIENT.forEach((name) => {
      this.savedEnv[name] = process.env[name];
      delete process.env[name];
    });
    Object.assign(process.env, this.env());
  }

  /** The environment a shell user would have: dummy credentials, a region, the stand-ins as endpoints. */
  public env(): Record<string, string> {
    return {
      AWS_ENDPOINT_URL: this.logs.endpoint,
      AWS_ENDPOINT_URL_CLOUDFORMATION: this.cloudFormation.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: this.dynamodb.endpoint,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_CONFIG_FILE: '/nonexistent/aws-config',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
  }

  /** A CloudFormation client for the stand-in (the collector tests inject clients directly). */
  public cloudFormationClient(): CloudFormationClient {
    return new CloudFormationClient({ endpoint: this.cloudFormation.endpoint, region: REGION, credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  }

  /** The stack the construct synthesizes with ImportA (STORE_A) and ImportB (STORE_B). */
  public synthesized(): SynthesizedStack {
    return synthesizedStack({ account: ACCOUNT, region: REGION }, STORE_A, STORE_B);
  }

  /** A ledger table on dynalite with the synthesized Ledger's key schema. */
  public createLedger(tableName = 'Migration-Ledger-1A2B3C4D'): Promise<Ledger> {
    return createLedger(this.dynamodb, REGION, tableName, this.synthesized().table);
  }

  public async stop(): Promise<void> {
    AMBIENT.forEach((name) => {
      if (this.savedEnv[name] === undefined) delete process.env[name];
      else process.env[name] = this.savedEnv[name];
    });
    await Promise.all([this.logs.stop(), this.cloudFormation.stop(), this.dynamodb.stop()]);
  }
}
