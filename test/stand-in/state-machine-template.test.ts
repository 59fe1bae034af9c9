import { sampleTemplate } from './fixtures/sample-template';
import { logicalIdsOfType, renderDefinition, resolve, worldNames } from './state-machine-template';

test('the DefinitionString renders to plain ASL with the world\'s names', () => {
  const template = sampleTemplate();
  const [functionId] = logicalIdsOfType(template, 'AWS::Lambda::Function');
  const [tableId] = logicalIdsOfType(template, 'AWS::DynamoDB::Table');
  const [topicId] = logicalIdsOfType(template, 'AWS::SNS::Topic');
  const asl = renderDefinition(template);

  expect(asl.StartAt).toBe('Schedule');
  expect(asl.States.Schedule.Resource).toBe(`arn:aws:lambda:us-east-1:111122223333:function:${functionId}`);
  expect(asl.States.Schedule.Parameters).toMatchObject({ 'table': tableId, 'execution.$': '$$.Execution.Id' });
  expect(asl.States.Substituted.Parameters.table).toBe(tableId);
  expect(asl.States.Watch).toMatchObject({ Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: `arn:aws:lambda:us-east-1:111122223333:function:${functionId}` } });
  expect(asl.States.Notify.Parameters.TopicArn).toBe(`arn:aws:sns:us-east-1:111122223333:${topicId}`);
  expect(JSON.stringify(asl)).not.toMatch(/Fn::|"Ref"|\$\{/);
});

test('names can be overridden per logical ID, and pseudo parameters and Fn::Sub resolve', () => {
  const names = worldNames({ Resources: { T: { Type: 'AWS::DynamoDB::Table' } } }, { T: { Ref: 'ledger-1', Arn: 'arn:table' } });
  expect(resolve({ 'Fn::Sub': ['${AWS::Partition}:${AWS::AccountId}:${T}:${T.Arn}:${x}', { x: { Ref: 'AWS::Region' } }] }, names))
    .toBe('aws:111122223333:ledger-1:arn:table:us-east-1');
  expect(() => resolve({ Ref: 'Missing' }, names)).toThrow(/no name for Ref Missing/);
});
