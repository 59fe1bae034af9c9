/**
 * Set-up of the preflight tests: every stand-in the command talks to, real SDK clients pointed at
 * them (`endpoint`), an app synthesized with the construct into a temporary cloud assembly, and the
 * command run in-process.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { STSClient } from '@aws-sdk/client-sts';
import { App, Stack } from 'aws-cdk-lib';
import { PreflightClients } from '../../src/preflight/clients';
import { PreflightJson } from '../../src/preflight/report';
import { ObservabilityAdminClient } from '../../src/shared/observability-admin';
import { main } from '../../src/status/cli';
import { CloudFormationStackStandIn } from '../stand-in/cloudformation-stack-stand-in';
import { CloudTrailStandIn } from '../stand-in/cloudtrail-stand-in';
import { CloudWatchLogsStandIn } from '../stand-in/cloudwatch-logs-stand-in';
import { IamStandIn } from '../stand-in/iam-stand-in';
import { KmsStandIn } from '../stand-in/kms-stand-in';
import { ObservabilityAdminStandIn } from '../stand-in/observability-admin-stand-in';
import { FakeStream } from '../status/helpers';

export const ACCOUNT = '111111111111';
export const REGION = 'us-east-1';
export const STACK = 'ImportStack';
export const STORE_ID = '0b4f7f2a-7a4d-4d4e-9c1e-5c3b2f6d8e90';
export const STORE_ARN = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:eventdatastore/${STORE_ID}`;
const TEST_CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
export const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
/** 2025 in full, epoch milliseconds. */
export const YEAR_2025 = { start: Date.UTC(2025, 0, 1), end: Date.UTC(2026, 0, 1) };
/** The clock of the tests: 2025 is inside a retention of 2557 days, but not of 366. */
export const NOW = Date.UTC(2026, 10, 25);

/** The key policy CloudTrail needs for an event data store key, delegating to IAM. */
export function goodKeyPolicy(account = ACCOUNT): any {
  return {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' },
      { Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'], Resource: '*' },
    ],
  };
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export class PreflightFixture {
  public static async start(): Promise<PreflightFixture> {
    const [cloudTrail, kms, iam, cloudFormation, logs, observabilityAdmin] = await Promise.all([
      CloudTrailStandIn.start(),
      KmsStandIn.start(),
      IamStandIn.start(ACCOUNT),
      CloudFormationStackStandIn.start(),
      CloudWatchLogsStandIn.start({ region: REGION, account: ACCOUNT }),
      ObservabilityAdminStandIn.start({ region: REGION, credentials: TEST_CREDENTIALS }),
    ]);
    return new PreflightFixture(cloudTrail, kms, iam, cloudFormation, logs, observabilityAdmin);
  }

  private readonly directories: string[] = [];

  private constructor(
    public readonly cloudTrail: CloudTrailStandIn,
    public readonly kms: KmsStandIn,
    public readonly iam: IamStandIn,
    public readonly cloudFormation: CloudFormationStackStandIn,
    public readonly logs: CloudWatchLogsStandIn,
    public readonly observabilityAdmin: ObservabilityAdminStandIn,
  ) {}

  /** Real SDK clients for the stand-ins; `region` undefined stands for the configured one. */
  public clients(region: string | undefined): PreflightClients {
    const config = (endpoint: string) => ({ endpoint, region: region ?? REGION, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
    return {
      cloudTrail: new CloudTrailClient(config(this.cloudTrail.endpoint)),
      kms: new KMSClient(config(this.kms.endpoint)),
      iam: new IAMClient(config(this.iam.endpoint)),
      sts: new STSClient(config(this.iam.endpoint)),
      logs: new CloudWatchLogsClient(config(this.logs.endpoint)),
      cloudFormation: new CloudFormationClient(config(this.cloudFormation.endpoint)),
      observabilityAdmin: new ObservabilityAdminClient({
        endpoint: this.observabilityAdmin.endpoint, region: region ?? REGION, credentials: TEST_CREDENTIALS,
      }),
    };
  }

  /** Synthesizes an app whose stack `build` fills; returns the assembly directory. */
  public synth(build: (stack: Stack) => void, env: { account?: string; region?: string } | 'environment-agnostic' = { account: ACCOUNT, region: REGION }): string {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'preflight-'));
    this.directories.push(outdir);
    const app = new App({ outdir });
    build(new Stack(app, STACK, env === 'environment-agnostic' ? undefined : { env }));
    app.synth();
    return outdir;
  }

  /** Runs `cdk-eventdatastore-import <args>` in-process. */
  public async run(args: string[]): Promise<RunResult> {
    const stdout = new FakeStream();
    const stderr = new FakeStream();
    const code = await main(args, { stdout, stderr, env: {}, now: () => NOW, createPreflightClients: (region) => this.clients(region) });
    return { code, stdout: stdout.text, stderr: stderr.text };
  }

  /** Runs `preflight <args> --json` and parses what it prints. */
  public async json(args: string[]): Promise<{ code: number; report: PreflightJson }> {
    const { code, stdout, stderr } = await this.run(['preflight', ...args, '--json']);
    if (stdout === '') throw new Error(`no JSON on stdout; stderr: ${stderr}`);
    return { code, report: JSON.parse(stdout) };
  }

  public async stop(): Promise<void> {
    this.directories.forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
    await Promise.all([
      this.cloudTrail.stop(), this.kms.stop(), this.iam.stop(), this.cloudFormation.stop(), this.logs.stop(), this.observabilityAdmin.stop(),
    ]);
    // The hand-made client's requests are as the service documents them (and signed).
    expect(this.observabilityAdmin.shapeViolations).toEqual([]);
  }
}

/** The template of the assembly's stack. */
export function readTemplate(assembly: string): any {
  return JSON.parse(fs.readFileSync(path.join(assembly, `${STACK}.template.json`), 'utf8'));
}

/** Changes the template of the assembly's stack in place (for what the construct would never synthesize). */
export function editTemplate(assembly: string, edit: (template: any) => void): void {
  const template = readTemplate(assembly);
  edit(template);
  fs.writeFileSync(path.join(assembly, `${STACK}.template.json`), JSON.stringify(template));
}

/** Every statement of the template's identity policies that allows iam:PassRole. */
export function passRoleStatements(template: any): any[] {
  return Object.values<any>(template.Resources)
    .filter((r) => r.Type === 'AWS::IAM::ManagedPolicy' || r.Type === 'AWS::IAM::Policy')
    .flatMap((r) => r.Properties.PolicyDocument.Statement)
    .filter((s: any) => [s.Action].flat().includes('iam:PassRole'));
}

/** Sets the condition of the handler's PassRole statement (issue 11 section 1 changes it in the construct). */
export function setPassRoleCondition(assembly: string, condition: unknown): void {
  editTemplate(assembly, (template) => {
    const statements = passRoleStatements(template);
    if (statements.length === 0) throw new Error('the template has no iam:PassRole statement');
    statements.forEach((s) => {
      s.Condition = condition;
    });
  });
}

/** The condition issue 11 section 1 asks for: cannot deny when the service sets another value or none. */
export const ROBUST_PASS_ROLE_CONDITION = { StringEqualsIfExists: { 'iam:PassedToService': ['cloudtrail.amazonaws.com', 'logs.amazonaws.com'] } };

/** The checks of the first import of the first stack, by ID. */
export function checksById(report: PreflightJson, importIndex = 0): Record<string, { outcome: string; detail: string; fix?: string }> {
  return Object.fromEntries(report.stacks[0].imports[importIndex].checks.map((c) => [c.id, c]));
}

export function stackChecksById(report: PreflightJson): Record<string, { outcome: string; detail: string; fix?: string }> {
  return Object.fromEntries(report.stacks[0].checks.map((c) => [c.id, c]));
}
