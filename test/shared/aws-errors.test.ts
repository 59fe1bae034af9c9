import { classifyError, credentialProblem, isImportLimitRefusal } from '../../src/shared/aws-errors';

const error = (name: string, message = '', httpStatusCode?: number) => Object.assign(new Error(message), { name, $metadata: { httpStatusCode } });

test.each([
  [error('ThrottlingException', 'Rate exceeded', 400), 'transient'],
  [error('ServiceUnavailableException', '', 503), 'transient'],
  [error('Error', 'AWS SDK error wrapper for TimeoutError: socket hang up'), 'transient'],
  [error('Error', 'connect ECONNREFUSED 127.0.0.1:1'), 'transient'],
  [error('AccessDeniedException', 'User is not authorized to perform iam:PassRole', 400), 'permissions'],
  [error('InvalidParameterException', 'Unable to assume role'), 'permissions'],
  [error('InvalidParameterException', 'Time range outside retention'), 'invalid'],
  [error('ValidationException', 'bad'), 'invalid'],
  // Its name contains "NotFound": it must not read as the network error ENOTFOUND.
  [error('ResourceNotFoundException', 'Event data store not found', 400), 'not-found'],
  [error('ConflictException', 'resource already exists', 400), 'conflict'],
  [error('InvalidOperationException', 'source is not active', 400), 'other'],
])('%s is %s', (e, kind) => {
  expect(classifyError(e)).toBe(kind);
});

describe('credentialProblem: one line with the fix, for what makes every call fail', () => {
  test.each([
    ['no credentials', error('CredentialsProviderError', 'Could not load credentials from any providers'), undefined,
      'No AWS credentials found: Could not load credentials from any providers. Use --profile, AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or `aws sso login`.'],
    ['a profile without credentials', error('CredentialsProviderError', 'Could not resolve credentials using profile: [nope]\n in config file'), 'nope',
      'No AWS credentials found (profile nope): Could not resolve credentials using profile: [nope] in config file. Use --profile, AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or `aws sso login`.'],
    ['no region', error('Error', 'Region is missing'), undefined, 'No AWS region configured. Use --region, set AWS_REGION, or set a region in your AWS profile.'],
    ['expired credentials', error('ExpiredTokenException', 'The security token included in the request is expired'), 'dev',
      'AWS rejected the credentials (profile dev) (ExpiredTokenException: The security token included in the request is expired). Refresh them, e.g. `aws sso login`.'],
    ['unknown credentials', error('InvalidClientTokenId', 'The security token included in the request is invalid.'), undefined,
      'AWS rejected the credentials (InvalidClientTokenId: The security token included in the request is invalid.). Refresh them, e.g. `aws sso login`.'],
  ])('%s', (_name, e, profile, expected) => {
    expect(credentialProblem(e, profile)).toBe(expected);
  });

  test.each([
    ['access denied', error('AccessDeniedException', 'not authorized to perform cloudtrail:GetEventDataStore')],
    ['throttling', error('ThrottlingException', 'Rate exceeded')],
    ['a missing store', error('EventDataStoreNotFoundException', 'not found')],
  ])('%s is not a credential problem (the checks report it)', (_name, e) => {
    expect(credentialProblem(e)).toBeUndefined();
  });
});

describe('isImportLimitRefusal: the undocumented answer at the 3-import limit', () => {
  const limit = 'There can be no more than 3 active imports per account at a given time';
  test.each(['InvalidOperationException', 'LimitExceededException', 'ThrottlingException', 'ServiceQuotaExceededException'])('%s naming the limit is one', (name) => {
    expect(isImportLimitRefusal(error(name, limit, 400))).toBe(true);
  });
  test.each([
    [error('ThrottlingException', 'Rate exceeded', 400)],
    [error('InvalidOperationException', 'The import source must be in an ACTIVE state; it is STOPPED_INGESTION', 400)],
    [error('AccessDeniedException', limit, 400)],
  ])('%p is not', (e) => {
    expect(isImportLimitRefusal(e)).toBe(false);
  });
});
