import { FakeStream, NO_RECORD, stripAnsi } from './helpers';
import { ImportView } from '../../src/status/collect';
import {
  formatBytes,
  formatDuration,
  layoutRows,
  LayoutContext,
  oneLine,
  renderPlain,
  rowText,
  summarize,
  toJson,
} from '../../src/status/render';
import { TerminalRenderer } from '../../src/status/tty';

const T0 = Date.UTC(2026, 10, 25, 10, 0, 0);
const SOURCE = 'arn:aws:cloudtrail:us-east-1:123456789012:eventdatastore/EXAMPLE-store';

function view(overrides: Partial<ImportView> = {}): ImportView {
  return {
    importId: 'imp-1',
    importSourceArn: SOURCE,
    status: 'IN_PROGRESS',
    bytesImported: 3 * 1024 * 1024,
    batches: { total: 8, completed: 2, failed: 0, inProgress: 6, cancelled: 0 },
    failedBatches: [],
    creationTime: T0,
    lastUpdatedTime: T0 + 60_000,
    elapsedSeconds: 754,
    ...overrides,
  };
}

const plainCtx: LayoutContext = { color: false, shortSource: false, region: 'us-east-1', selection: { kind: 'all' } };

test.each([
  [0, '0 B'], [1023, '1023 B'], [1024, '1.0 KiB'], [1536, '1.5 KiB'], [3 * 1024 ** 2, '3.0 MiB'], [1.25 * 1024 ** 3, '1.3 GiB'], [5 * 1024 ** 4, '5.0 TiB'],
])('formatBytes(%d) = %s', (bytes, text) => {
  expect(formatBytes(bytes)).toBe(text);
});

test.each([
  [undefined, '-'], [0, '0s'], [59, '59s'], [60, '1m 00s'], [754, '12m 34s'], [3600, '1h 00m'], [7380, '2h 03m'], [86400 + 4 * 3600, '1d 04h'],
])('formatDuration(%s) = %s', (seconds, text) => {
  expect(formatDuration(seconds)).toBe(text);
});

test('summarize counts statuses in a fixed order', () => {
  expect(summarize([view({ status: 'FAILED' }), view(), view({ status: 'COMPLETED' }), view(), view({ status: 'SOMETHING_NEW' })]))
    .toBe('2 in progress, 1 completed, 1 failed, 1 something new');
});

test('toJson: dates as ISO 8601, unknowns as null', () => {
  expect(toJson([view({ errorMessage: 'x', failedBatches: [{ batchId: 'b1' }] }), view({ importId: undefined, creationTime: undefined, status: 'QUEUED' })])).toEqual([
    {
      importId: 'imp-1',
      importSourceArn: SOURCE,
      importDestinationArn: null,
      status: 'IN_PROGRESS',
      bytesImported: 3 * 1024 * 1024,
      batches: { total: 8, completed: 2, failed: 0, inProgress: 6, cancelled: 0 },
      elapsedSeconds: 754,
      creationTime: '2026-11-25T10:00:00.000Z',
      lastUpdatedTime: '2026-11-25T10:01:00.000Z',
      errorMessage: 'x',
      failedBatches: [{ batchId: 'b1', errorMessage: null }],
      stackResource: null,
      ...NO_RECORD,
    },
    expect.objectContaining({ importId: null, creationTime: null, status: 'QUEUED' }),
  ]);
});

test('renderPlain: one line per import, an ASCII bar, no escape codes', () => {
  const text = renderPlain([view()], plainCtx);
  expect(text).toBe([
    '1 import in us-east-1: 1 in progress',
    'IMPORT ID  STATUS       PROGRESS              BATCHES      BYTES   ELAPSED  SOURCE',
    `imp-1      IN_PROGRESS  [#####---------------]      2/8    3.0 MiB   12m 34s  ${SOURCE}`,
    '',
  ].join('\n'));
});

test('a COMPLETED import has a full bar even when it reports no batches', () => {
  const rows = layoutRows([view({ status: 'COMPLETED', batches: { total: 0, completed: 0, failed: 0, inProgress: 0, cancelled: 0 } })], plainCtx);
  expect(rows[2]).toMatchObject({ kind: 'bar', value: 1, total: 1 });
});

test('colors and the short source only when asked', () => {
  const rows = layoutRows([view({ status: 'FAILED', errorMessage: 'boom' })], { ...plainCtx, color: true, shortSource: true });
  const text = rows.map((r) => rowText(r, '<bar>')).join('\n');
  expect(text).toContain('\u001b[31mFAILED     \u001b[0m');
  expect(text).toContain('\u001b[31merror: boom\u001b[0m');
  expect(stripAnsi(text)).toContain('<bar>      2/8    3.0 MiB   12m 34s  eventdatastore/EXAMPLE-store');
});

test('messages from the service cannot bring escape codes or line breaks into the output', () => {
  expect(oneLine('a\u001b[2Jb\r\nc\u0007')).toBe('a [2Jb c');
  const text = renderPlain([view({ status: 'FAILED', errorMessage: 'x\u001b[31my\nz' })], plainCtx);
  expect(text).not.toContain('\u001b');
  expect(text).toContain('    error: x [31my z\n');
});

test('TerminalRenderer: rows become cli-progress bars; fewer rows on a later refresh are removed', () => {
  const tty = new FakeStream(true, 120);
  const renderer = new TerminalRenderer(tty, { hideCursor: true });
  const ctx: LayoutContext = { ...plainCtx, color: true, shortSource: true };
  renderer.show(layoutRows([view({ status: 'FAILED', failedBatches: [{ batchId: 'b1', errorMessage: 'no' }] }), view({ importId: 'imp-2' })], ctx));
  expect(tty.text).toContain('\u2588'.repeat(5) + '\u2591'.repeat(15));
  expect(stripAnsi(tty.text)).toContain('    batch b1 failed: no');

  tty.text = '';
  renderer.show(layoutRows([view({ status: 'COMPLETED', batches: { total: 8, completed: 8, failed: 0, inProgress: 0, cancelled: 0 } })], ctx));
  renderer.log('warning: something');
  renderer.stop();
  expect(tty.text).toContain('\u001b[0J'); // cleared below the rows that went away
  expect(tty.text).toContain('\u2588'.repeat(20));
  expect(tty.text).toContain('warning: something\n');
  expect(tty.text).toContain('\u001b[?25h');
});

test('a record whose execution handed over shows its generation, in the JSON too; the first generation says nothing', () => {
  const record = {
    recordId: 'import-0123456789abcdef0123456789abcdef',
    state: 'STARTED' as const,
    logicalResourceId: 'History',
    createdAt: T0,
    removalPolicy: 'retain' as const,
    expectedLogGroupName: 'aws/cloudtrail/EXAMPLE-store',
    generation: 3,
    executionArn: 'arn:aws:states:us-east-1:123456789012:execution:Orchestrator:import-0123456789abcdef0123456789abcdef-g3',
  };
  const text = renderPlain([view({ record })], plainCtx);
  expect(text).toContain('    execution: generation 3 (import-0123456789abcdef0123456789abcdef-g3); each earlier one handed over before its history filled\n');
  expect(toJson([view({ record })])[0]).toMatchObject({ generation: 3, state: 'STARTED' });
  expect(renderPlain([view({ record: { ...record, generation: 0 } })], plainCtx)).not.toContain('execution:');
  expect(renderPlain([view({ record: { ...record, state: 'COMPLETED' } })], plainCtx)).not.toContain('execution:');
});
