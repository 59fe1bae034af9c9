import { Annotations as CoreAnnotations, App, Duration, Stack } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import { ACCOUNT, newStack, REGION, STORE_ARN, STORE_ID, template, warnings } from './fixtures';
import { EventDataStoreImport, ImportSource, ImportTimeRange } from '../../src';

function importOf(stack: Stack, id: string, timeRange?: ImportTimeRange, source = ImportSource.fromEventDataStoreArn(STORE_ARN)) {
  return new EventDataStoreImport(stack, id, { source, timeRange });
}

/** Synth as if today were `isoDay`. */
function on<T>(isoDay: string, f: () => T): T {
  const spy = jest.spyOn(Date, 'now').mockReturnValue(Date.parse(isoDay));
  try {
    return f();
  } finally {
    spy.mockRestore();
  }
}

describe('whether a stack synthesizes does not depend on the day', () => {
  function defaultStore2024(): string[] {
    const stack = newStack();
    const store = new cloudtrail.CfnEventDataStore(stack, 'Store', {});
    importOf(stack, 'History', ImportTimeRange.calendarYear(2024), ImportSource.fromEventDataStore(store));
    return warnings(stack);
  }

  test('inside the retention period today: no warning', () => {
    expect(on('2025-01-01T00:00:00Z', defaultStore2024)).toEqual([]);
  });

  test('years later the same stack synthesizes, with a warning that names the retention assumed', () => {
    const found = on('2030-01-01T00:00:00Z', defaultStore2024);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain('timeRange: start (2024-01-01T00:00:00.000Z) is older than the store keeps events today (about 2028-12-31T00:00:00.000Z, ' +
      'assuming the default retention of a store without retentionPeriod under EXTENDABLE_RETENTION_PRICING (366 days))');
    expect(found[0]).toContain('[ack: cdk-eventdatastore-import:outsideRetention]');
  });

  test('the retention given to an ARN source is named', () => {
    const found = on('2030-01-01T00:00:00Z', () => {
      const stack = newStack();
      importOf(stack, 'History', ImportTimeRange.calendarMonth(2024, 2), ImportSource.fromEventDataStoreArn(STORE_ARN, { retentionPeriod: Duration.days(400) }));
      return warnings(stack);
    });
    expect(found.join('\n')).toContain('assuming the retentionPeriod given to ImportSource.fromEventDataStoreArn (400 days)');
  });

  test('an end in the future is a warning, also when the store\'s retention is known', () => {
    const found = on('2024-06-01T00:00:00Z', () => {
      const stack = newStack();
      importOf(stack, 'History', ImportTimeRange.calendarYear(2024), ImportSource.fromEventDataStoreArn(STORE_ARN, { retentionPeriod: Duration.days(366) }));
      return warnings(stack);
    });
    expect(found.join('\n')).toContain('timeRange: end (2024-12-31T23:59:59.999Z) is in the future');
  });

  test('a window longer than the retention period can never fit: an error, whatever the day', () => {
    for (const today of ['2024-06-01T00:00:00Z', '2040-01-01T00:00:00Z']) {
      on(today, () => {
        const stack = newStack();
        const source = ImportSource.fromEventDataStoreArn(STORE_ARN, { retentionPeriod: Duration.days(30) });
        expect(() => importOf(stack, 'History', ImportTimeRange.calendarMonth(2024, 1), source)).toThrow(
          'timeRange: ImportTimeRange.calendarMonth(2024, 1) spans 31 days, longer than the store\'s retention period of 30 days, so it can never fit in it; ' +
          'split it into windows of at most 30 days (assumed from the retentionPeriod given to ImportSource.fromEventDataStoreArn (30 days))');
      });
    }
  });

  test('a window exactly as long as the retention period is accepted', () => {
    const stack = newStack();
    const source = ImportSource.fromEventDataStoreArn(STORE_ARN, { retentionPeriod: Duration.days(31) });
    expect(() => importOf(stack, 'History', ImportTimeRange.calendarMonth(2026, 1), source)).not.toThrow();
  });
});

describe('calendar periods', () => {
  test.each([
    [ImportTimeRange.calendarYear(2025), '1735689600000', '1767225599999'],
    [ImportTimeRange.calendarMonth(2025, 3), String(Date.UTC(2025, 2, 1)), String(Date.UTC(2025, 3, 1) - 1)],
    [ImportTimeRange.calendarMonth(2024, 12), String(Date.UTC(2024, 11, 1)), String(Date.UTC(2025, 0, 1) - 1)],
    [ImportTimeRange.calendarMonth(2024, 2), String(Date.UTC(2024, 1, 1)), String(Date.UTC(2024, 1, 29, 23, 59, 59, 999))],
  ])('%# runs from the first millisecond of the period to the last, in UTC', (range, start, end) => {
    const stack = newStack();
    importOf(stack, 'Import', range);
    const resource = Object.values<any>(template(stack).findResources('Custom::EventDataStoreImport'))[0];
    expect(resource.Properties.StartEventTime).toBe(start);
    expect(resource.Properties.EndEventTime).toBe(end);
  });

  test('consecutive years and months do not overlap', () => {
    const years = newStack();
    importOf(years, 'Y2024', ImportTimeRange.calendarYear(2024));
    importOf(years, 'Y2025', ImportTimeRange.calendarYear(2025));
    expect(warnings(years)).toEqual([]);
    const months = newStack();
    importOf(months, 'M202601', ImportTimeRange.calendarMonth(2026, 1));
    importOf(months, 'M202602', ImportTimeRange.calendarMonth(2026, 2));
    expect(warnings(months)).toEqual([]);
  });

  test.each([
    [() => ImportTimeRange.calendarMonth(2025, 13), 'ImportTimeRange.calendarMonth: month must be a whole number from 1 to 12, got 13'],
    [() => ImportTimeRange.calendarMonth(2025, 0), 'ImportTimeRange.calendarMonth: month must be a whole number from 1 to 12, got 0'],
    [() => ImportTimeRange.calendarYear(2025.5), 'ImportTimeRange.calendarYear: year must be a whole number from 1970 to 9999, got 2025.5'],
    [() => ImportTimeRange.calendarYear(25), 'ImportTimeRange.calendarYear: year must be a whole number from 1970 to 9999, got 25'],
  ])('an impossible period is an error: %#', (make, message) => {
    expect(make).toThrow(message);
  });
});

describe('messages', () => {
  test('the overlap warning says how much overlaps: "2024 in full" written with between overlaps 2025 by one millisecond', () => {
    const stack = newStack();
    importOf(stack, 'Y2024', ImportTimeRange.between(new Date('2024-01-01T00:00:00Z'), new Date('2025-01-01T00:00:00Z')));
    importOf(stack, 'Y2025', ImportTimeRange.calendarYear(2025));
    expect(warnings(stack).join('\n')).toContain('timeRange overlaps that of Stack/Y2024, which imports the same store into the same log group, ' +
      'by 1 millisecond (2025-01-01T00:00:00.000Z to 2025-01-01T00:00:00.000Z, both inclusive)');
  });

  test('a longer overlap is given in days', () => {
    const stack = newStack();
    importOf(stack, 'A', ImportTimeRange.calendarYear(2024));
    importOf(stack, 'B', ImportTimeRange.fromEpochMillis(Date.UTC(2024, 11, 1), Date.UTC(2025, 0, 31)));
    expect(warnings(stack).join('\n')).toContain('by 31 days (2024-12-01T00:00:00.000Z to 2024-12-31T23:59:59.999Z, both inclusive)');
  });

  test('two imports of a store without a time range: the error names the source, not timeRange', () => {
    const stack = newStack();
    importOf(stack, 'A');
    expect(() => importOf(stack, 'B')).toThrow(/^source: Stack\/B imports the same store without a time range, as Stack\/A; both would write the same events/);
  });

  test('an invalid Date is named as such, not NaN', () => {
    const stack = newStack();
    expect(() => importOf(stack, 'Import', ImportTimeRange.between(new Date('2024-13-45'), new Date('2025-01-01T00:00:00Z'))))
      .toThrow("timeRange: start is an invalid Date in ImportTimeRange.between(Invalid Date, 2025-01-01T00:00:00.000Z); give a valid Date, e.g. new Date('2024-01-01T00:00:00Z'), or use ImportTimeRange.calendarYear / calendarMonth");
  });

  test('fromEpochMillis given seconds says that the value looks like seconds', () => {
    const stack = newStack();
    expect(() => importOf(stack, 'Import', ImportTimeRange.fromEpochMillis(1704067200, 1735689599)))
      .toThrow('timeRange: start 1704067200 in ImportTimeRange.fromEpochMillis(1704067200, 1735689599) looks like seconds since the epoch ' +
        '(as milliseconds it is 1970-01-20T17:21:07.200Z); give milliseconds, e.g. 1704067200000 for 2024-01-01T00:00:00.000Z');
  });

  test('fromEpochMillis from 0 is not taken for seconds', () => {
    const stack = newStack();
    expect(() => importOf(stack, 'Import', ImportTimeRange.fromEpochMillis(0, Date.UTC(2025, 0, 1)))).not.toThrow();
  });

  test('each warning says how to acknowledge it, in the form Annotations.acknowledgeWarning takes, and that form works', () => {
    const stack = newStack();
    importOf(stack, 'Import', ImportTimeRange.calendarYear(2022));
    expect(warnings(stack).join('\n')).toContain("To acknowledge: Annotations.of(construct).acknowledgeWarning('cdk-eventdatastore-import:before2023').");

    const acknowledged = newStack();
    const other = importOf(acknowledged, 'Import', ImportTimeRange.calendarYear(2022));
    CoreAnnotations.of(other).acknowledgeWarning('cdk-eventdatastore-import:before2023');
    expect(warnings(acknowledged)).toEqual([]);
  });
});

describe('more than three imports for one environment', () => {
  test('one warning for the environment, on its first import, listing every import', () => {
    const app = new App();
    const one = new Stack(app, 'One', { env: { account: ACCOUNT, region: REGION } });
    const two = new Stack(app, 'Two', { env: { account: ACCOUNT, region: REGION } });
    const source = (n: number) => ImportSource.fromEventDataStoreArn(STORE_ARN.replace(STORE_ID, `store-${n}`));
    for (let n = 0; n < 30; n++) {
      importOf(n < 15 ? one : two, `Import${n}`, undefined, source(n));
    }
    const found = warnings(one);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(`this app declares 30 imports for account ${ACCOUNT} in ${REGION} (One/Import0, One/Import1, `);
    expect(found[0]).toContain('Two/Import29); CloudWatch Logs runs at most 3 imports per account at a time');
    expect(warnings(two)).toEqual([]);
  });

  test('it can be acknowledged on the stack (it is added at synth, after the constructors ran)', () => {
    const stack = newStack();
    for (let n = 0; n < 4; n++) importOf(stack, `Import${n}`, undefined, ImportSource.fromEventDataStoreArn(STORE_ARN.replace(STORE_ID, `store-${n}`)));
    CoreAnnotations.of(stack).acknowledgeWarning('cdk-eventdatastore-import:moreThanThreeImports');
    expect(warnings(stack)).toEqual([]);
  });
});

describe('an environment-agnostic stack', () => {
  test('with a literal store ARN warns, naming the store\'s region and account and how to set env', () => {
    const stack = new Stack(new App(), 'Agnostic');
    importOf(stack, 'Import');
    expect(warnings(stack).join('\n')).toContain(
      `source: the event data store is in region ${REGION} and account ${ACCOUNT}, but the stack Agnostic is environment-agnostic, ` +
      'so the construct cannot check that the import is deployed there (imports are regional and read a store of their own account). ' +
      `Set the stack's env: new Stack(app, 'Agnostic', { env: { account: '${ACCOUNT}', region: '${REGION}' } }).`);
  });

  test('with a store of the app (an ARN token) says nothing', () => {
    const stack = new Stack(new App(), 'Agnostic');
    importOf(stack, 'Import', undefined, ImportSource.fromEventDataStore(new cloudtrail.CfnEventDataStore(stack, 'Store', {})));
    expect(warnings(stack)).toEqual([]);
  });

  test('a stack with env says nothing', () => {
    const stack = newStack();
    importOf(stack, 'Import');
    expect(warnings(stack)).toEqual([]);
  });
});

describe('kmsKeyId', () => {
  test.each(['my-key', 'cloudtrail-lake', '1234abcd-12ab-34cd-56ef', 'mrk-1234'])('%j (an alias without alias/, or no key ID) is an error', (kmsKeyId) => {
    const stack = newStack();
    const store = new cloudtrail.CfnEventDataStore(stack, 'Store', { kmsKeyId });
    expect(() => importOf(stack, 'Import', undefined, ImportSource.fromEventDataStore(store))).toThrow(
      `kmsKeyId of the event data store must be a KMS key ID, key ARN, alias name or alias ARN, got ${JSON.stringify(kmsKeyId)}; ` +
      'a key ID is a UUID (1234abcd-12ab-34cd-56ef-1234567890ab) or mrk- and 32 hex digits, an alias name starts with alias/');
  });
});
