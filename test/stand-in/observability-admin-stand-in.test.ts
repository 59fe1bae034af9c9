/**
 * The hand-made ObservabilityAdmin client against the stand-in: real SigV4 signing (checked by
 * the stand-in with the known secret), real HTTP on loopback, the SDK-shaped errors that
 * src/shared/aws-errors.ts reads.
 */
// The SDK clients' own endpoint data (a dependency of every bundled client): what the partition table is checked against.
// eslint-disable-next-line import/no-extraneous-dependencies
import { partition as sdkPartition } from '@aws-sdk/core/client';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { ObservabilityAdminStandIn } from './observability-admin-stand-in';
import { classifyError, describeFailure, errorName } from '../../src/shared/aws-errors';
import { dnsSuffixOf, endpointFor, ObservabilityAdminClient, ObservabilityAdminServiceError, PARTITION_DNS_SUFFIXES } from '../../src/shared/observability-admin';

const CREDENTIALS = { accessKeyId: 'AKIDSTANDIN', secretAccessKey: 'stand-in-secret' };

let standIn: ObservabilityAdminStandIn;
let client: ObservabilityAdminClient;

beforeEach(async () => {
  standIn = await ObservabilityAdminStandIn.start();
  client = new ObservabilityAdminClient({ region: 'us-east-1', endpoint: standIn.endpoint, credentials: CREDENTIALS });
});

afterEach(async () => {
  client.destroy();
  await standIn.stop();
});

async function failureOf(call: Promise<unknown>): Promise<ObservabilityAdminServiceError> {
  try {
    await call;
  } catch (error) {
    return error as ObservabilityAdminServiceError;
  }
  throw new Error('the call succeeded');
}

test('reads and starts the account evaluation, signed for observabilityadmin', async () => {
  standIn.readsToStart = 1;
  expect(await client.getTelemetryEvaluationStatus()).toEqual({ Status: 'NOT_STARTED' });
  await expect(client.startTelemetryEvaluation()).resolves.toBeUndefined();
  expect(await client.getTelemetryEvaluationStatus()).toEqual({ Status: 'STARTING' });
  expect(await client.getTelemetryEvaluationStatus()).toEqual({ Status: 'RUNNING' });
  expect(standIn.operations()).toEqual(['GetTelemetryEvaluationStatus', 'StartTelemetryEvaluation', 'GetTelemetryEvaluationStatus', 'GetTelemetryEvaluationStatus']);
  expect(standIn.calls.every((c) => JSON.stringify(c.request) === '{}')).toBe(true);
  expect(standIn.shapeViolations).toEqual([]);
});

test('the organization operations keep their own status', async () => {
  standIn.readsToStart = 0;
  await client.startTelemetryEvaluationForOrganization();
  expect(await client.getTelemetryEvaluationStatusForOrganization()).toEqual({ Status: 'RUNNING' });
  expect(await client.getTelemetryEvaluationStatus()).toEqual({ Status: 'NOT_STARTED' });
  expect(standIn.shapeViolations).toEqual([]);
});

test('FailureReason comes with FAILED_START', async () => {
  standIn.readsToStart = 0;
  standIn.failStartWith = 'The service-linked role could not be created';
  await client.startTelemetryEvaluation();
  expect(await client.getTelemetryEvaluationStatus()).toEqual({ Status: 'FAILED_START', FailureReason: 'The service-linked role could not be created' });
});

test('an error from the x-amzn-ErrorType header: its name without the part after ":", the HTTP status, classified', async () => {
  standIn.denied.add('StartTelemetryEvaluation');
  const error = await failureOf(client.startTelemetryEvaluation());
  expect(error).toBeInstanceOf(Error);
  expect(error.name).toBe('AccessDeniedException');
  expect(error.message).toMatch(/not authorized to perform: observabilityadmin:StartTelemetryEvaluation/);
  expect(error.$metadata.httpStatusCode).toBe(400);
  expect(error.$metadata.requestId).toBe('00000000-0000-0000-0000-000000000000');
  expect(classifyError(error)).toBe('permissions');
  expect(describeFailure(error, { subject: 'telemetry', call: 'StartTelemetryEvaluation' }).message).toMatch(/The service said AccessDeniedException: User: .*not authorized/);
});

test('an error named only in the body (__type with a namespace) reads the same', async () => {
  standIn.errorStyle = 'body';
  standIn.startWhileRunning = 'ValidationException';
  standIn.set('ACCOUNT', 'RUNNING');
  const error = await failureOf(client.startTelemetryEvaluation());
  expect(errorName(error)).toBe('ValidationException');
  expect(error.message).toBe('Telemetry evaluation is already RUNNING.');
  expect(classifyError(error)).toBe('invalid');
});

test('throttling and server errors are transient', async () => {
  standIn.failNext('GetTelemetryEvaluationStatus', 'TooManyRequestsException', 429);
  standIn.failNext('GetTelemetryEvaluationStatus', 'InternalServerException', 500);
  const throttled = await failureOf(client.getTelemetryEvaluationStatus());
  expect([throttled.name, throttled.$metadata.httpStatusCode, classifyError(throttled)]).toEqual(['TooManyRequestsException', 429, 'transient']);
  const broken = await failureOf(client.getTelemetryEvaluationStatus());
  expect([broken.name, broken.$fault, classifyError(broken)]).toEqual(['InternalServerException', 'server', 'transient']);
  expect(await client.getTelemetryEvaluationStatus()).toEqual({ Status: 'NOT_STARTED' });
});

test('the stand-in rejects a request signed with another secret', async () => {
  const wrong = new ObservabilityAdminClient({ region: 'us-east-1', endpoint: standIn.endpoint, credentials: { ...CREDENTIALS, secretAccessKey: 'not-the-secret' } });
  const error = await failureOf(wrong.getTelemetryEvaluationStatus());
  wrong.destroy();
  expect([error.name, error.$metadata.httpStatusCode]).toEqual(['InvalidSignatureException', 403]);
  expect(standIn.shapeViolations).toEqual([expect.stringMatching(/signature does not match/)]);
});

test('the stand-in rejects a request signed for another region', async () => {
  const wrong = new ObservabilityAdminClient({ region: 'eu-west-1', endpoint: standIn.endpoint, credentials: CREDENTIALS });
  await failureOf(wrong.getTelemetryEvaluationStatus());
  wrong.destroy();
  expect(standIn.shapeViolations).toEqual([expect.stringMatching(/region eu-west-1/)]);
});

describe('from the environment, like an SDK client', () => {
  const KEYS = ['AWS_ENDPOINT_URL_OBSERVABILITYADMIN', 'AWS_ENDPOINT_URL', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'];
  const saved: Record<string, string | undefined> = {};
  beforeEach(() => KEYS.forEach((k) => { saved[k] = process.env[k]; delete process.env[k]; }));
  afterEach(() => KEYS.forEach((k) => { if (saved[k] === undefined) delete process.env[k]; else process.env[k] = saved[k]; }));

  test('endpoint, region and credentials (the default provider chain) from the environment', async () => {
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_OBSERVABILITYADMIN: standIn.endpoint,
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    });
    const fromEnv = new ObservabilityAdminClient();
    expect(await fromEnv.getTelemetryEvaluationStatus()).toEqual({ Status: 'NOT_STARTED' });
    fromEnv.destroy();
    expect(standIn.shapeViolations).toEqual([]);
  });

  test('the endpoint the SDK would choose', () => {
    expect(endpointFor('eu-west-1', {})).toBe('https://observabilityadmin.eu-west-1.amazonaws.com');
    expect(endpointFor('cn-north-1', {})).toBe('https://observabilityadmin.cn-north-1.amazonaws.com.cn');
    expect(endpointFor('eu-west-1', { AWS_ENDPOINT_URL: 'http://a' })).toBe('http://a');
    expect(endpointFor('eu-west-1', { AWS_ENDPOINT_URL: 'http://a', AWS_ENDPOINT_URL_OBSERVABILITYADMIN: 'http://b' })).toBe('http://b');
    expect(endpointFor('eu-west-1', { AWS_ENDPOINT_URL_OBSERVABILITYADMIN: 'http://b', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }))
      .toBe('https://observabilityadmin.eu-west-1.amazonaws.com');
    // The European Sovereign Cloud has a DNS suffix of its own.
    expect(endpointFor('eusc-de-east-1', {})).toBe('https://observabilityadmin.eusc-de-east-1.amazonaws.eu');
    expect(endpointFor('us-gov-west-1', {})).toBe('https://observabilityadmin.us-gov-west-1.amazonaws.com');
  });

  test('each region\'s DNS suffix is the one the SDK\'s partitions data gives', () => {
    const regions = RegionInfo.regions.map((r) => r.name);
    expect(regions).toContain('eusc-de-east-1');
    for (const region of regions) {
      const sdk = sdkPartition(region);
      expect(`${region}: ${dnsSuffixOf(region)}`).toBe(`${region}: ${sdk.dnsSuffix}`);
      expect(PARTITION_DNS_SUFFIXES.find((p) => p.regionRegex.test(region))?.partition).toBe(sdk.name);
    }
  });
});
