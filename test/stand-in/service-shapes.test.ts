import { ServiceModel } from './service-shapes';

const logs = ServiceModel.of('@aws-sdk/client-cloudwatch-logs');
const sfn = ServiceModel.of('@aws-sdk/client-sfn');

test('a conforming request and response have no violations', () => {
  expect(logs.checkRequest('CreateImportTask', { importSourceArn: 'a', importRoleArn: 'b', importFilter: { startEventTime: 1 } })).toEqual([]);
  expect(logs.checkResponse('CreateImportTask', { importId: 'i', importDestinationArn: 'd', creationTime: 1 })).toEqual([]);
  expect(sfn.checkResponse('DescribeExecution', { executionArn: 'a', stateMachineArn: 'b', status: 'RUNNING', startDate: 1.5 })).toEqual([]);
});

test('unknown members, missing required members and wrong types are reported, also nested', () => {
  expect(logs.checkRequest('CreateImportTask', { importSourceArn: 1, extra: 2, importFilter: { startEventTime: '1' } })).toEqual([
    'request.importRoleArn: required member of CreateImportTaskRequest is missing',
    'request.importSourceArn: expected a string, got 1',
    'request.extra: not a member of CreateImportTaskRequest',
    'request.importFilter.startEventTime: expected a number, got "1"',
  ]);
  expect(logs.checkResponse('DescribeImportTasks', { imports: [{ importId: 'x', roleArn: 'r', importStatistics: { bytesImported: 'a' } }] })).toEqual([
    'response.imports[0].roleArn: not a member of Import',
    'response.imports[0].importStatistics.bytesImported: expected a number, got "a"',
  ]);
  expect(sfn.checkResponse('StartExecution', { executionArn: 'a', startDate: '2026-01-01' })).toEqual([
    'response.startDate: expected a number, got "2026-01-01"',
  ]);
  expect(logs.checkRequest('NoSuchOperation', {})).toEqual(['unknown operation NoSuchOperation']);
});

test('modeled errors are checked against their shape; unmodeled ones need a message', () => {
  expect(logs.checkError('InvalidParameterException', { __type: 'InvalidParameterException', message: 'x' })).toEqual([]);
  expect(logs.checkError('InvalidParameterException', { __type: 'InvalidParameterException', reason: 'x' })).toEqual([
    'error InvalidParameterException.reason: not a member of InvalidParameterException',
  ]);
  expect(logs.checkError('ThrottlingException', { __type: 'ThrottlingException', message: 'x' })).toEqual([]);
  expect(logs.checkError('ThrottlingException', { message: 'x' })).toEqual(['error: __type is missing']);
});
