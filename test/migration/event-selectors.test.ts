import { Lazy, Stack } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as observabilityadmin from 'aws-cdk-lib/aws-observabilityadmin';
import {
  DEFAULT_STORE_SELECTORS, mergeSelectors, ongoingLogGroupsOf, SELECTOR_FIELDS, SELECTOR_OPERATORS, translateSelectors, undeliveredCategories,
} from '../../src/migration/event-selectors';

/** A value each field can hold, as CloudTrail's documentation gives them. */
const VALUES: Record<(typeof SELECTOR_FIELDS)[number], string> = {
  'eventCategory': 'Data',
  'eventSource': 's3.amazonaws.com',
  'eventName': 'PutObject',
  'eventType': 'AwsApiCall',
  'readOnly': 'false',
  'resources.type': 'AWS::S3::Object',
  'resources.ARN': 'arn:aws:s3:::amzn-s3-demo-bucket/',
  'errorCode': 'VpceAccessDenied',
  'sessionCredentialFromConsole': 'true',
  'userIdentity.arn': 'arn:aws:iam::111111111111:role/Admin',
  'vpcEndpointId': 'vpce-0123456789abcdef0',
};

/** What CloudFormation receives for the rule: the L1 renders the selectors (equalTo is `Equals` on the wire). */
function rendered(selectors: observabilityadmin.CfnTelemetryRule.AdvancedEventSelectorProperty[]): unknown {
  const stack = new Stack();
  const rule = new observabilityadmin.CfnTelemetryRule(stack, 'Rule', {
    ruleName: 'r',
    rule: { resourceType: 'AWS::CloudTrail', telemetryType: 'Logs', destinationConfiguration: { cloudtrailParameters: { advancedEventSelectors: selectors } } },
  });
  const resolved = stack.resolve((rule as any)._toCloudFormation());
  return resolved.Resources.Rule.Properties.Rule.DestinationConfiguration.CloudtrailParameters.AdvancedEventSelectors;
}

function renderedStore(selectors: cloudtrail.CfnEventDataStore.AdvancedEventSelectorProperty[]): unknown {
  const stack = new Stack();
  const store = new cloudtrail.CfnEventDataStore(stack, 'Store', { advancedEventSelectors: selectors });
  return stack.resolve((store as any)._toCloudFormation()).Resources.Store.Properties.AdvancedEventSelectors;
}

// Every field an advanced event selector can hold, with every operator: what the store collects is what the rule delivers.
const FIELD_CASES = SELECTOR_FIELDS.flatMap((field) => SELECTOR_OPERATORS.map((operator) => [field, operator] as const));

describe.each(FIELD_CASES)('field %s with %s', (field, operator) => {
  const store: cloudtrail.CfnEventDataStore.AdvancedEventSelectorProperty[] = [{
    name: `${field} ${operator}`,
    fieldSelectors: [
      { field: 'eventCategory', equalTo: ['Data'] },
      ...(field === 'eventCategory' ? [] : [{ field, [operator]: [VALUES[field]] } as cloudtrail.CfnEventDataStore.AdvancedFieldSelectorProperty]),
    ],
  }];
  const translated = translateSelectors(field === 'eventCategory'
    ? [{ name: store[0].name, fieldSelectors: [{ field, [operator]: [VALUES[field]] } as any] }]
    : store, 'advancedEventSelectors');

  test('carried over field for field: the rule\'s CloudFormation equals the store\'s', () => {
    const expected = field === 'eventCategory' ? [{ Name: store[0].name, FieldSelectors: [{ Field: field, [cfnOperator(operator)]: [VALUES[field]] }] }] : renderedStore(store);
    expect(rendered(translated.selectors as any)).toEqual(expected);
  });
});

function cfnOperator(operator: string): string {
  return operator === 'equalTo' ? 'Equals' : operator[0].toUpperCase() + operator.slice(1);
}

describe('categories and log groups', () => {
  test.each([
    [['Management'], ['aws/cloudtrail/managementevents'], []],
    [['Data'], ['aws/cloudtrail/dataevents'], []],
    [['Management', 'Data'], ['aws/cloudtrail/managementevents', 'aws/cloudtrail/dataevents'], []],
    [['NetworkActivity'], [], ['NetworkActivity']],
    [['Insight'], [], ['Insight']],
    [['ConfigurationItem'], [], ['ConfigurationItem']],
    [['Evidence'], [], ['Evidence']],
    [['ActivityAuditLog'], [], ['ActivityAuditLog']],
    [['Management', 'Insight'], ['aws/cloudtrail/managementevents'], ['Insight']],
  ])('%j: delivered to %j, not delivered: %j', (categories, groups, undelivered) => {
    const translated = translateSelectors(categories.map((c) => ({ fieldSelectors: [{ field: 'eventCategory', equalTo: [c] }] })), 's');
    expect(translated.categories).toEqual(categories);
    expect(ongoingLogGroupsOf(translated.categories!)).toEqual(groups);
    expect(undeliveredCategories(translated.categories!)).toEqual(undelivered);
  });

  test('no selectors: what CloudTrail collects for such a store, all management events', () => {
    expect(translateSelectors(undefined, 's')).toEqual({ selectors: DEFAULT_STORE_SELECTORS, categories: ['Management'] });
  });
});

describe('tokens pass unchanged', () => {
  test('the whole list', () => {
    const token = Lazy.any({ produce: () => [] });
    const translated = translateSelectors(token as any, 's');
    expect(translated.selectors).toBe(token);
    expect(translated.categories).toBeUndefined();
  });

  test('one selector\'s field selectors', () => {
    const token = Lazy.any({ produce: () => [] });
    const translated = translateSelectors([{ name: 'n', fieldSelectors: token as any }], 's');
    expect((translated.selectors as any)[0]).toEqual({ name: 'n', fieldSelectors: token });
    expect(translated.categories).toBeUndefined();
  });

  test('a value of a field', () => {
    const value = Lazy.string({ produce: () => 's3.amazonaws.com' });
    const translated = translateSelectors([{ fieldSelectors: [{ field: 'eventCategory', equalTo: ['Data'] }, { field: 'eventSource', equalTo: [value] }] }], 's');
    expect((translated.selectors as any)[0].fieldSelectors[1]).toEqual({ field: 'eventSource', equalTo: [value] });
    expect(translated.categories).toEqual(['Data']);
  });
});

describe('bad selectors name where they are', () => {
  test.each([
    ['an empty list', [], /^where is empty/],
    ['no eventCategory', [{ name: 'S3', fieldSelectors: [{ field: 'eventSource', equalTo: ['s3.amazonaws.com'] }] }], /^where\[0\] \("S3"\) has no eventCategory field selector; CloudTrail requires one/],
    ['no operator', [{ fieldSelectors: [{ field: 'eventCategory' }] }], /^where\[0\]\.fieldSelectors\[0\] \(field eventCategory\) has no operator; give one of equalTo, startsWith/],
    ['an unknown field', [{ fieldSelectors: [{ field: 'eventCategory', equalTo: ['Data'] }, { field: 'awsRegion', equalTo: ['us-east-1'] }] }], /^where\[0\]\.fieldSelectors\[1\]\.field is "awsRegion", which is not a field/],
  ])('%s', (_name, selectors, message) => {
    expect(() => translateSelectors(selectors as any, 'where')).toThrow(message);
  });
});

describe('merging several stores into one rule', () => {
  const management = { name: 'Management', fieldSelectors: [{ field: 'eventCategory', equalTo: ['Management'] }] };
  const data = { name: 'S3', fieldSelectors: [{ field: 'eventCategory', equalTo: ['Data'] }, { field: 'resources.type', equalTo: ['AWS::S3::Object'] }] };

  test('selectors are OR-ed: all of them, an identical one (whatever its name) once', () => {
    expect(mergeSelectors([[management], [{ ...management, name: 'Other name' }, data]])).toEqual([management, data]);
  });

  test('one store: its selectors as they are (a token too)', () => {
    const token = Lazy.any({ produce: () => [] }) as any;
    expect(mergeSelectors([token])).toBe(token);
  });

  test('a token list among several cannot be merged: the error says what to do', () => {
    expect(() => mergeSelectors([[management], Lazy.any({ produce: () => [] }) as any])).toThrow(/give them as a list, or migrate that store in its own CloudTrailLakeMigration/);
  });
});
