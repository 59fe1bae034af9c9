import { classifyError, isImportLimitRefusal } from '../../src/shared/aws-errors';

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
