/**
 * A minimal client for four operations of Amazon CloudWatch ObservabilityAdmin (restJson1):
 * GetTelemetryEvaluationStatus, StartTelemetryEvaluation and their ...ForOrganization twins.
 *
 * Why it is hand-made: `@aws-sdk/client-observabilityadmin` is not reachable on the npm registry
 * this project builds from (404), so neither the SDK client nor AwsCustomResource could be built
 * and tested here. This client uses only the SDK's own building blocks that the bundled SDK
 * clients already depend on (`@smithy/signature-v4`, `@smithy/core`'s HttpRequest and Sha256,
 * `@smithy/node-http-handler`, `@aws-sdk/credential-provider-node`), so signing, credentials and
 * HTTP behave as in every other SDK client of the function.
 * REPLACE IT with `@aws-sdk/client-observabilityadmin` once the registry serves it: the callers
 * need only `send(operation)`'s result shape `{ Status, FailureReason }` and the SDK-like errors.
 *
 * What it does not do, unlike a generated client: retries (the caller retries, see
 * telemetry-evaluation-requests.ts), endpoint rules beyond the regional hostname of each partition
 * (no FIPS or dual-stack), `endpoint_url` from the shared config file.
 */
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/protocols';
import { NodeHttpHandler, streamCollector } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

/** The service's signing name (and the service part of its hostname). */
export const SIGNING_NAME = 'observabilityadmin';

/** Start's optional input (botocore's model): every region, or the listed ones; neither: "only the current region". */
export interface StartTelemetryEvaluationInput {
  readonly AllRegions?: boolean;
  readonly Regions?: string[];
}

/** The operations this client knows; each is `POST /<OperationName>` with a JSON body. */
export type ObservabilityAdminOperation =
  | 'GetTelemetryEvaluationStatus'
  | 'StartTelemetryEvaluation'
  | 'GetTelemetryEvaluationStatusForOrganization'
  | 'StartTelemetryEvaluationForOrganization'
  | 'ListTelemetryRules'
  | 'ListTelemetryRulesForOrganization';

export const OPERATIONS: readonly ObservabilityAdminOperation[] = [
  'GetTelemetryEvaluationStatus',
  'StartTelemetryEvaluation',
  'GetTelemetryEvaluationStatusForOrganization',
  'StartTelemetryEvaluationForOrganization',
  'ListTelemetryRules',
  'ListTelemetryRulesForOrganization',
];

/** A TelemetryRuleSummary of ListTelemetryRules(ForOrganization) (the fields this library reads). */
export interface TelemetryRuleSummary {
  readonly RuleName?: string;
  readonly RuleArn?: string;
  readonly ResourceType?: string;
  readonly TelemetryType?: string;
}

/** NOT_STARTED | STARTING | FAILED_START | RUNNING | STOPPING | FAILED_STOP | STOPPED (strings: the service may add more). */
export type TelemetryEvaluationStatus = string;

/** What GetTelemetryEvaluationStatus(ForOrganization) answers (the fields this library reads). */
export interface TelemetryEvaluationState {
  readonly Status?: TelemetryEvaluationStatus;
  /** Set only for FAILED_START and FAILED_STOP. */
  readonly FailureReason?: string;
}

export interface ObservabilityAdminClientConfig {
  /** Default: AWS_REGION, then AWS_DEFAULT_REGION (read at the first call). */
  readonly region?: string;
  /**
   * Base URL. Default: AWS_ENDPOINT_URL_OBSERVABILITYADMIN, then AWS_ENDPOINT_URL (both ignored
   * when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true, as in the SDK), then
   * `https://observabilityadmin.<region>.amazonaws.com`.
   */
  readonly endpoint?: string;
  /** Default: the SDK's default credential provider chain (in Lambda: the function role's). */
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Milliseconds until a request is given up. Default 30 000. */
  readonly requestTimeoutMs?: number;
}

/** The error a failed call throws: shaped like an SDK v3 service exception (see src/shared/aws-errors.ts). */
export class ObservabilityAdminServiceError extends Error {
  public readonly $fault: 'client' | 'server';
  public readonly $metadata: { readonly httpStatusCode: number; readonly requestId?: string };

  constructor(name: string, message: string, httpStatusCode: number, requestId?: string) {
    super(message);
    this.name = name;
    this.$fault = httpStatusCode >= 500 ? 'server' : 'client';
    this.$metadata = { httpStatusCode, requestId };
  }
}

export class ObservabilityAdminClient {
  private readonly handler: NodeHttpHandler;
  private readonly credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  private signer?: SignatureV4;
  private signerRegion?: string;

  constructor(private readonly config: ObservabilityAdminClientConfig = {}) {
    this.handler = new NodeHttpHandler({ connectionTimeout: 5_000, requestTimeout: config.requestTimeoutMs ?? 30_000 });
    this.credentials = config.credentials ?? defaultProvider();
  }

  public getTelemetryEvaluationStatus(): Promise<TelemetryEvaluationState> {
    return this.send('GetTelemetryEvaluationStatus') as Promise<TelemetryEvaluationState>;
  }

  public getTelemetryEvaluationStatusForOrganization(): Promise<TelemetryEvaluationState> {
    return this.send('GetTelemetryEvaluationStatusForOrganization') as Promise<TelemetryEvaluationState>;
  }

  public async startTelemetryEvaluation(input: StartTelemetryEvaluationInput = {}): Promise<void> {
    await this.send('StartTelemetryEvaluation', input);
  }

  public async startTelemetryEvaluationForOrganization(input: StartTelemetryEvaluationInput = {}): Promise<void> {
    await this.send('StartTelemetryEvaluationForOrganization', input);
  }

  /** Every telemetry rule of the account (or the organization), all pages. */
  public async listTelemetryRules(organization: boolean): Promise<TelemetryRuleSummary[]> {
    const rules: TelemetryRuleSummary[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.send(organization ? 'ListTelemetryRulesForOrganization' : 'ListTelemetryRules', nextToken ? { NextToken: nextToken } : {});
      rules.push(...((page.TelemetryRuleSummaries as TelemetryRuleSummary[] | undefined) ?? []));
      nextToken = typeof page.NextToken === 'string' && page.NextToken !== '' ? page.NextToken : undefined;
    } while (nextToken);
    return rules;
  }

  /** One signed `POST /<operation>` with a JSON body (`{}` without input); the parsed JSON answer (`{}` for an empty one). */
  public async send(operation: ObservabilityAdminOperation, input: object = {}): Promise<Record<string, unknown>> {
    if (!OPERATIONS.includes(operation)) throw new Error(`ObservabilityAdminClient does not know the operation ${operation}`);
    const region = this.region();
    const base = new URL(this.config.endpoint ?? endpointFor(region));
    const body = JSON.stringify(input);
    const request = new HttpRequest({
      method: 'POST',
      protocol: base.protocol,
      hostname: base.hostname,
      port: base.port ? Number(base.port) : undefined,
      path: `${base.pathname.replace(/\/+$/, '')}/${operation}`,
      headers: {
        'host': base.host,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
      },
      body,
    });
    const signed = await this.signerFor(region).sign(request);
    const { response } = await this.handler.handle(signed as HttpRequest);
    const text = Buffer.from(await streamCollector(response.body)).toString('utf8');
    const status = response.statusCode;
    const headers = lowerCaseKeys(response.headers);
    const parsed = parseJson(text);
    if (status >= 200 && status < 300) return parsed ?? {};
    throw errorFrom(status, headers, parsed, text);
  }

  /** Closes the kept-alive connections. */
  public destroy(): void {
    this.handler.destroy();
  }

  private region(): string {
    const region = this.config.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    if (!region) throw new Error('ObservabilityAdminClient: no region (set AWS_REGION)');
    return region;
  }

  private signerFor(region: string): SignatureV4 {
    if (!this.signer || this.signerRegion !== region) {
      this.signer = new SignatureV4({ service: SIGNING_NAME, region, credentials: this.credentials, sha256: Sha256, uriEscapePath: true });
      this.signerRegion = region;
    }
    return this.signer;
  }
}

/**
 * The service's base URL as the SDK finds it: AWS_ENDPOINT_URL_OBSERVABILITYADMIN, then
 * AWS_ENDPOINT_URL (neither when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true), then the regional
 * hostname.
 */
export function endpointFor(region: string, env: Record<string, string | undefined> = process.env): string {
  const ignoreConfigured = (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? '').toLowerCase() === 'true';
  const configured = ignoreConfigured ? undefined : env.AWS_ENDPOINT_URL_OBSERVABILITYADMIN || env.AWS_ENDPOINT_URL;
  if (configured) return configured;
  return `https://${SIGNING_NAME}.${region}.${dnsSuffixOf(region)}`;
}

/**
 * Each partition's region pattern and DNS suffix, as the SDK's partitions data has them
 * (@aws-sdk/core's util-endpoints partitions; test/telemetry-evaluation checks the table against it).
 * A region of no known pattern is taken to be in the `aws` partition, as the SDK does.
 */
export const PARTITION_DNS_SUFFIXES: ReadonlyArray<{ readonly partition: string; readonly regionRegex: RegExp; readonly dnsSuffix: string }> = [
  { partition: 'aws', regionRegex: /^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$/, dnsSuffix: 'amazonaws.com' },
  { partition: 'aws-cn', regionRegex: /^cn-\w+-\d+$/, dnsSuffix: 'amazonaws.com.cn' },
  { partition: 'aws-eusc', regionRegex: /^eusc-(de)-\w+-\d+$/, dnsSuffix: 'amazonaws.eu' },
  { partition: 'aws-iso', regionRegex: /^us-iso-\w+-\d+$/, dnsSuffix: 'c2s.ic.gov' },
  { partition: 'aws-iso-b', regionRegex: /^us-isob-\w+-\d+$/, dnsSuffix: 'sc2s.sgov.gov' },
  { partition: 'aws-iso-e', regionRegex: /^eu-isoe-\w+-\d+$/, dnsSuffix: 'cloud.adc-e.uk' },
  { partition: 'aws-iso-f', regionRegex: /^us-isof-\w+-\d+$/, dnsSuffix: 'csp.hci.ic.gov' },
  { partition: 'aws-us-gov', regionRegex: /^us-gov-\w+-\d+$/, dnsSuffix: 'amazonaws.com' },
];

/** The DNS suffix of the region's partition (`amazonaws.eu` for the European Sovereign Cloud). */
export function dnsSuffixOf(region: string): string {
  return PARTITION_DNS_SUFFIXES.find((p) => p.regionRegex.test(region))?.dnsSuffix ?? 'amazonaws.com';
}

/**
 * The error's name as the SDK reads a restJson1 error: the `x-amzn-ErrorType` header, else the
 * body's `code` or `__type`; without what follows `:` (a URL) or precedes `#` (a namespace).
 */
export function errorFrom(status: number, headers: Record<string, string>, body: any, text: string): ObservabilityAdminServiceError {
  const raw = headers['x-amzn-errortype'] ?? body?.code ?? body?.__type;
  const sanitized = typeof raw === 'string' ? raw.split(':')[0].split('#').pop()!.trim() : '';
  const name = sanitized || (status === 403 ? 'AccessDeniedException' : status === 429 ? 'TooManyRequestsException' : status >= 500 ? 'InternalServerException' : `HTTP${status}`);
  const message = body?.message ?? body?.Message ?? (text.trim() ? text.trim().slice(0, 500) : `HTTP ${status} without a message`);
  return new ObservabilityAdminServiceError(name, String(message), status, headers['x-amzn-requestid']);
}

function parseJson(text: string): Record<string, any> | undefined {
  if (!text.trim()) return undefined;
  try {
    const value = JSON.parse(text);
    return value !== null && typeof value === 'object' ? value : undefined;
  } catch {
    return undefined;
  }
}

function lowerCaseKeys(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  return out;
}
