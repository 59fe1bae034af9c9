/**
 * How the handler reads the service's errors: which ones are worth another try, and what a
 * person should check when one is final. No SDK imports: errors are duck-typed.
 */

/** The parts of an SDK v3 error the handler looks at. */
export interface ServiceErrorLike {
  readonly name?: string;
  readonly message?: string;
  readonly code?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly $retryable?: unknown;
}

export type ErrorKind =
  /** Throttling, 5xx, dropped connections: the call may succeed if made again later. */
  | 'transient'
  /** IAM not yet propagated: the role or policy was just created. */
  | 'permissions'
  | 'not-found'
  | 'invalid'
  | 'conflict'
  | 'other';

const THROTTLING = /throttl|toomanyrequests|requestlimitexceeded|slowdown|ratelimit/i;
// Case-sensitive: `ResourceNotFoundException` must not read as ENOTFOUND.
const NETWORK = /ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|socket hang up|TimeoutError|RequestTimeout|NetworkingError|ENOTFOUND|EAI_AGAIN/;
const PERMISSIONS = /accessdenied|not authorized|unauthorized|assume|iam:passrole|is not allowed to|permission/i;

export function errorName(error: unknown): string {
  const e = error as ServiceErrorLike;
  return e?.name ?? e?.code ?? 'Error';
}

export function errorMessage(error: unknown): string {
  const e = error as ServiceErrorLike;
  return (e?.message ?? String(error)).trim();
}

/** Error names of credentials AWS does not accept (expired, unknown, or a signature that does not match). */
const REJECTED_CREDENTIALS = /^(ExpiredToken|ExpiredTokenException|InvalidClientTokenId|UnrecognizedClientException|InvalidSignatureException|SignatureDoesNotMatch)$/;

/**
 * The one line a command prints, with the fix, when no request can be signed or accepted: no
 * credentials, credentials AWS rejects, or no region. Undefined for any other error. Every later
 * call would fail the same way, so the commands stop there rather than repeat it per check.
 */
export function credentialProblem(error: unknown, profile?: string): string | undefined {
  const name = errorName(error);
  const message = errorMessage(error).replace(/\s+/g, ' ');
  const ofProfile = profile ? ` (profile ${profile})` : '';
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
    return `No AWS credentials found${ofProfile}: ${message}. Use --profile, AWS_PROFILE, `
      + 'AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or `aws sso login`.';
  }
  if (/region is missing/i.test(message)) {
    return `No AWS region configured${ofProfile}. Use --region, set AWS_REGION, or set a region in your AWS profile.`;
  }
  if (REJECTED_CREDENTIALS.test(name)) {
    return `AWS rejected the credentials${ofProfile} (${name}: ${message}). Refresh them, e.g. \`aws sso login\`.`;
  }
  return undefined;
}

export function classifyError(error: unknown): ErrorKind {
  if (error instanceof ImportFailure && error.kind) return error.kind;
  const e = error as ServiceErrorLike;
  const name = errorName(error);
  const text = `${name} ${errorMessage(error)} ${e?.code ?? ''}`;
  const status = e?.$metadata?.httpStatusCode;
  // The service's own error names first: they say exactly what happened.
  // ResourceNotFoundException, CloudTrail's EventDataStoreNotFoundException, Step Functions' ExecutionDoesNotExist...
  if (/NotFound(Exception)?$|DoesNotExist$/.test(name)) return 'not-found';
  if (name === 'InvalidParameterException' || name === 'ValidationException') {
    // A role that cannot be assumed yet is reported as an invalid parameter by some services.
    return PERMISSIONS.test(errorMessage(error)) ? 'permissions' : 'invalid';
  }
  if (name === 'ConflictException') return 'conflict';
  if (THROTTLING.test(name) || status === 429 || (status !== undefined && status >= 500) || NETWORK.test(text)) {
    return 'transient';
  }
  if (name === 'AccessDeniedException' || name === 'AccessDenied' || status === 403 || PERMISSIONS.test(text)) {
    return 'permissions';
  }
  return 'other';
}

/** The errors CreateImportTask may answer at the account's limit of active imports: which one is undocumented (FACTS.md). */
const IMPORT_LIMIT_ERRORS = ['InvalidOperationException', 'LimitExceededException', 'ThrottlingException', 'ServiceQuotaExceededException'];
const NAMES_IMPORT_LIMIT = /active imports?|imports? (per account|at a time)|import (limit|quota)/i;

/** A refusal at the active-imports limit (any of the candidate errors, naming the limit): nothing was created. */
export function isImportLimitRefusal(error: unknown): boolean {
  return IMPORT_LIMIT_ERRORS.includes(errorName(error)) && NAMES_IMPORT_LIMIT.test(errorMessage(error));
}

/**
 * A failure that CloudFormation shows to a person: which import, which call, what the service
 * said, and what to check.
 */
export class ImportFailure extends Error {
  /** @param kind what kind of service error it came from, when it came from one */
  constructor(message: string, public readonly kind?: ErrorKind) {
    super(message);
    this.name = 'ImportFailure';
  }
}

export interface FailureContext {
  /** Which resource: the event data store ARN, and the import ID once there is one. */
  readonly subject: string;
  /** Which call failed, e.g. CreateImportTask. */
  readonly call: string;
  readonly roleArn?: string;
  readonly sourceArn?: string;
  /** How long the handler kept trying, for the message. */
  readonly triedForSeconds?: number;
}

/** Turns a final service error into a message that says what to check. */
export function describeFailure(error: unknown, context: FailureContext): ImportFailure {
  const said = `${errorName(error)}: ${errorMessage(error)}`;
  const tried = context.triedForSeconds ? ` (retried for ${Math.round(context.triedForSeconds)} s)` : '';
  const head = `${context.subject}: ${context.call} failed${tried}. The service said ${said}.`;
  return new ImportFailure(`${head} ${hintFor(classifyError(error), context, error)}`, classifyError(error));
}

function hintFor(kind: ErrorKind, context: FailureContext, error: unknown): string {
  const source = context.sourceArn ?? 'the event data store';
  switch (kind) {
    case 'permissions':
      if (/iam:PassRole/i.test(errorMessage(error))) {
        return `The deploy-time function may not pass the import role ${context.roleArn ?? ''}: its policy allows iam:PassRole on that role only ` +
          'under the condition StringEqualsIfExists iam:PassedToService in [cloudtrail.amazonaws.com, logs.amazonaws.com] ' +
          '(statement "PassImportRole" of the orchestrator\'s managed policy). If the service passed another value, ' +
          'run `npx cdk-eventdatastore-import preflight` and report the value; a role you bring must be the one in the policy.';
      }
      if (context.call === 'DeleteLogGroup') {
        return 'The handler may delete the log group only while a RemovalPolicy.DESTROY import of that store is in the stack: ' +
          'removing the last one from a stack that stays takes the permission away before CloudFormation deletes the resource. ' +
          'Delete the log group by hand (`aws logs delete-log-group --log-group-name <name>`) if you no longer need its data.';
      }
      return [
        `Check that the import role ${context.roleArn ?? ''} trusts cloudtrail.amazonaws.com and allows`,
        `cloudtrail:GetEventDataStoreData on ${source}, logs:CreateLogGroup and logs:CreateLogStream on the`,
        'destination log group, logs:PutResourcePolicy, and kms:Decrypt and kms:GenerateDataKey on the store\'s key',
        'when it has a customer managed key (whose key policy must also allow cloudtrail.amazonaws.com);',
        'and that the deploy-time function may iam:PassRole that role and read the store.',
        'New roles and policies can take a few minutes to work everywhere: deploy again if they were just created.',
      ].join(' ');
    case 'not-found':
      return `Check that the event data store ${source} exists in this account and region (imports are regional).`;
    case 'invalid':
      return [
        'Check the time range: start <= end, both >= 0, and inside the store\'s retention period',
        '(AWS says data from before 2023 cannot be migrated). Check that the role and source ARNs are well formed.',
      ].join(' ');
    case 'conflict':
      return `Another import of ${source} may be running: see \`aws logs describe-import-tasks --import-source-arn ${source}\`.`;
    case 'transient':
      return 'CloudWatch Logs was throttling or unavailable the whole time: deploy again later, or ask for a higher quota.';
    default:
      return [
        `Check that ${source} is enabled (an import needs an ACTIVE source) and that fewer than 3 imports are`,
        'running in the account: `aws logs describe-import-tasks --import-status IN_PROGRESS`.',
      ].join(' ');
  }
}

/** What a retried call needs: a clock, a sleep and a bound. Tests pass instant ones. */
export interface RetryClock {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  readonly log: (line: string) => void;
  /** Retries stop this long after the first attempt. */
  readonly retryBudgetMs: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * Calls `send`, retrying throttling, 5xx, dropped connections and (just-created roles and policies
 * take minutes to work everywhere) permission errors, with full-jitter exponential backoff, until the
 * budget is spent. A final error becomes an {@link ImportFailure} that says what to check.
 */
export async function withRetries<T>(clock: RetryClock, context: FailureContext, send: () => Promise<T>): Promise<T> {
  const deadline = clock.now() + clock.retryBudgetMs;
  const startedAt = clock.now();
  for (let attempt = 0; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      const kind = classifyError(error);
      const remaining = deadline - clock.now();
      if ((kind === 'transient' || kind === 'permissions') && remaining > 0) {
        const ceiling = Math.min(clock.maxDelayMs, clock.baseDelayMs * 2 ** Math.min(attempt, 20));
        const delay = Math.min(Math.round(ceiling / 2 + (clock.random() * ceiling) / 2), remaining);
        clock.log(`${context.subject}: ${context.call} answered ${errorName(error)} (${errorMessage(error)}); trying again in ${delay} ms`);
        await clock.sleep(delay);
        continue;
      }
      throw describeFailure(error, { ...context, triedForSeconds: (clock.now() - startedAt) / 1000 });
    }
  }
}
