/**
 * The stack's one deploy-time function: the custom resources' ServiceToken (CloudFormation's
 * requests) and every step of the orchestrator state machine.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CloudWatchLogsClient, CloudWatchLogsClientConfig } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { CloudFormationRequest, isCloudFormationRequest } from './request';
import { handleRequest } from './requests';
import { Runtime } from './runtime';
import { runStep, StepInput } from './steps';
import { ObservabilityAdminClient } from '../shared/observability-admin';
import { TELEMETRY_EVALUATION_RESOURCE_TYPE } from '../telemetry-evaluation/contract';
import { handleTelemetryEvaluationRequest } from '../telemetry-evaluation/telemetry-evaluation-requests';

/** Test-only: scales the function's own waits so that tests of the bundle run in seconds. Unset when deployed. */
const timeScale = Number(process.env.ORCHESTRATOR_TIME_SCALE ?? '1') || 1;
/**
 * Test-only: the function's clock runs this far off (negative: behind). With compressed waits, a
 * clock behind the stand-ins' keeps a measured window's end in their past. Unset when deployed.
 */
const clockOffset = Number(process.env.ORCHESTRATOR_CLOCK_OFFSET_MS ?? '0');
const clockOffsetMs = Number.isFinite(clockOffset) ? clockOffset : 0;

// Clients at module scope: reused across warm invocations.
const runtime: Runtime = {
  logs: new CloudWatchLogsClient({}),
  createLogs: new CloudWatchLogsClient({ maxAttempts: 1 }),
  dynamodb: new DynamoDBClient({}),
  sfn: new SFNClient({}),
  cloudformation: new CloudFormationClient({}),
  cloudtrail: new CloudTrailClient({}),
  sns: new SNSClient({}),
  now: () => Date.now() + clockOffsetMs,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
  log: (line) => console.log(line),
  // "A few minutes" for IAM propagation; the function's timeout leaves room to answer after it.
  retryBudgetMs: 4 * 60_000 * timeScale,
  baseDelayMs: 1_000 * timeScale,
  maxDelayMs: 30_000 * timeScale,
  settleMs: 3 * 60_000 * timeScale,
  timeScale,
  memberLogs,
  logsIn,
  putResponse,
};
/** Hand-made (see observability-admin.ts): the SDK client is not on this project's registry. */
const observabilityAdmin = new ObservabilityAdminClient();

export async function handler(event: CloudFormationRequest | StepInput): Promise<unknown> {
  if (isCloudFormationRequest(event)) {
    console.log(JSON.stringify({ ...event, ResponseURL: '(redacted)' }));
    // The one routing decision: every other custom resource of the stack is an import.
    if (event.ResourceType === TELEMETRY_EVALUATION_RESOURCE_TYPE) return handleTelemetryEvaluationRequest({ ...runtime, observabilityAdmin }, event);
    return handleRequest(runtime, event);
  }
  console.log(JSON.stringify(event));
  return runStep(runtime, event);
}

const sts = new STSClient({});
const memberClients = new Map<string, CloudWatchLogsClient>();

const credentialsOfRoles = new Map<string, NonNullable<CloudWatchLogsClientConfig['credentials']>>();

/** One client per member account's reader role and region, kept across warm invocations; its credentials renewed before they expire. */
function memberLogs(roleArn: string, region?: string): CloudWatchLogsClient {
  const key = `${roleArn}|${region ?? ''}`;
  let client = memberClients.get(key);
  if (!client) {
    let credentials = credentialsOfRoles.get(roleArn);
    if (!credentials) {
      credentials = assumedRole(roleArn);
      credentialsOfRoles.set(roleArn, credentials);
    }
    client = new CloudWatchLogsClient(region ? { region, credentials } : { credentials });
    memberClients.set(key, client);
  }
  return client;
}

const regionalClients = new Map<string, CloudWatchLogsClient>();

/** The function's own account in another region of a multi-region store. */
function logsIn(region: string): CloudWatchLogsClient {
  let client = regionalClients.get(region);
  if (!client) {
    client = new CloudWatchLogsClient({ region });
    regionalClients.set(region, client);
  }
  return client;
}

function assumedRole(roleArn: string): NonNullable<CloudWatchLogsClientConfig['credentials']> {
  let cached: { accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date } | undefined;
  return async () => {
    if (cached?.expiration && cached.expiration.getTime() - Date.now() > 5 * 60_000) return cached;
    const answer = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'cdk-eventdatastore-import-delivery', DurationSeconds: 900 }));
    const c = answer.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`AssumeRole of ${roleArn} returned no credentials`);
    cached = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
    return cached;
  };
}

/** PUT to the pre-signed S3 URL CloudFormation waits on (what cfn-response does). */
function putResponse(url: string, body: string): Promise<void> {
  const target = new URL(url);
  // CloudFormation's URLs are https; tests answer on loopback http.
  const transport = target.protocol === 'http:' ? http : https;
  return new Promise((resolve, reject) => {
    const request = transport.request(target, { method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) } }, (response) => {
      response.resume();
      const failed = Object.assign(new Error(`the response URL answered HTTP ${response.statusCode}`), { $metadata: { httpStatusCode: response.statusCode } });
      response.on('end', () => (response.statusCode && response.statusCode < 300 ? resolve() : reject(failed)));
    });
    request.on('error', reject);
    request.end(body);
  });
}
