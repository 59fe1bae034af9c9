/**
 * How the status command shows `ImportView`s: JSON, plain lines, and the rows that the terminal
 * renderer (`tty.ts`) gives to cli-progress. Pure functions: no I/O, no clock.
 */
import { Format, Options as BarOptions } from 'cli-progress';
import { ImportView, Selection } from './collect';
import { firstEventKey, isLive } from '../ledger/record';

/**
 * One element of the array that `cdk-eventdatastore-import status --json` prints.
 *
 * Every key is always present; a value that is not known is `null`.
 *
 * ```json
 * {
 *   "importId": "0f6c2b4e-...",
 *   "importSourceArn": "arn:aws:cloudtrail:us-east-1:111122223333:eventdatastore/EXAMPLE",
 *   "importDestinationArn": "arn:aws:logs:us-east-1:111122223333:log-group:aws/cloudtrail/EXAMPLE",
 *   "status": "IN_PROGRESS",
 *   "bytesImported": 3145728,
 *   "batches": { "total": 8, "completed": 3, "failed": 0, "inProgress": 5, "cancelled": 0 },
 *   "elapsedSeconds": 754,
 *   "creationTime": "2026-11-25T21:58:11.000Z",
 *   "lastUpdatedTime": "2026-11-25T22:08:40.000Z",
 *   "errorMessage": null,
 *   "failedBatches": [],
 *   "stackResource": null,
 *   "recordId": null,
 *   "state": null,
 *   "queuePosition": null,
 *   "logicalResourceId": null,
 *   "retired": null,
 *   "generation": null,
 *   "destinationMismatch": null,
 *   "migration": null
 * }
 * ```
 */
export interface ImportStatusJson {
  /** The import ID; `null` while an owner record has no import (`QUEUED`, `STARTING`, `WITHDRAWN`). */
  readonly importId: string | null;
  /** ARN of the event data store the import reads. */
  readonly importSourceArn: string | null;
  /** ARN of the log group the import writes to. */
  readonly importDestinationArn: string | null;
  /**
   * `IN_PROGRESS`, `COMPLETED`, `FAILED` or `CANCELLED` (the service's statuses); with `--stack`
   * and `--ledger` also `QUEUED` (a SCHEDULED record: waiting for a free import slot), `STARTING`
   * (CREATING or UNCERTAIN: CreateImportTask sent, its import not known yet), `WITHDRAWN` (deleted
   * before its import was created) and `NOT_FOUND` (an import the service does not list, or a
   * stack resource the ledger has no record of).
   */
  readonly status: string;
  /** `importStatistics.bytesImported` (0 when the service does not say). */
  readonly bytesImported: number;
  /** Batches by status, from DescribeImportTaskBatches. `total` counts them all. */
  readonly batches: {
    readonly total: number;
    readonly completed: number;
    readonly failed: number;
    readonly inProgress: number;
    readonly cancelled: number;
  };
  /** Seconds from creationTime to lastUpdatedTime (finished) or to now (IN_PROGRESS). */
  readonly elapsedSeconds: number | null;
  /** ISO 8601, UTC. */
  readonly creationTime: string | null;
  /** ISO 8601, UTC. */
  readonly lastUpdatedTime: string | null;
  /** The owner record's errorMessage when it has one (it quotes the service), else the task's. */
  readonly errorMessage: string | null;
  /** Every FAILED batch (the text output shows the first 3). */
  readonly failedBatches: ReadonlyArray<{ readonly batchId: string; readonly errorMessage: string | null }>;
  /** With `--stack`: the custom resource the import was found through; otherwise `null`. */
  readonly stackResource: {
    readonly logicalResourceId: string;
    readonly physicalResourceId: string | null;
    readonly resourceStatus: string | null;
  } | null;
  /** With `--stack` or `--ledger`: the owner record's ID (the custom resource's physical ID); otherwise `null`. */
  readonly recordId: string | null;
  /** The owner record's state: `SCHEDULED`, `CREATING`, `UNCERTAIN`, `STARTED`, `COMPLETED`, `FAILED`, `CANCELLED`, `WITHDRAWN`. */
  readonly state: string | null;
  /** A SCHEDULED record's place among the ledger's SCHEDULED records, oldest first: `{ "position": 2, "of": 5 }`. */
  readonly queuePosition: { readonly position: number; readonly of: number } | null;
  /** The custom resource the record belongs to. */
  readonly logicalResourceId: string | null;
  /** Whether CloudFormation deleted the resource (a RETAIN import goes on); `null` without a record. */
  readonly retired: boolean | null;
  /**
   * The generation of the record's execution: 0 for the first; each later one took over from the one
   * before well before its history (25,000 events) filled, and is named `<recordId>-g<generation>`.
   */
  readonly generation: number | null;
  /** The log group the import really writes to, when it is not the one the construct's attributes name. */
  readonly destinationMismatch: string | null;
  /** A `CloudTrailLakeMigration`'s record: its cutover, its stop of Lake ingestion, and whether ongoing events arrive; `null` for a plain import. */
  readonly migration: MigrationJson | null;
}

/** The migration part of an `ImportStatusJson`. Times are ISO 8601, UTC. */
export interface MigrationJson {
  readonly cutover: {
    /** The ongoing log groups the telemetry rule writes to. */
    readonly logGroupNames: string[];
    readonly overlapSeconds: number;
    readonly timeoutSeconds: number;
    /** The first ongoing event found so far in each group. */
    readonly firstEvents: Record<string, string>;
    /** When ongoing ingestion demonstrably started; `null` while it is being waited for. */
    readonly cutoverTime: string | null;
    /** Where the import's window ends: the cutover plus the overlap. */
    readonly windowEnd: string | null;
    /** When the import is created (the window's end has passed and Lake holds it). */
    readonly readyAt: string | null;
  } | null;
  readonly ingestionStop: {
    /** `PENDING`, `STOPPED`, `SKIPPED`, `CANCELLED` or `FAILED`. */
    readonly state: string;
    readonly parallelRunSeconds: number;
    readonly dueAt: string | null;
    readonly stoppedAt: string | null;
    readonly message: string | null;
  } | null;
  /** Per ongoing log group: `delivering` (an event within the last hour), `silent` (none) or `unknown` (with `error`). */
  readonly delivery: ReadonlyArray<{ readonly logGroupName: string; readonly state: string; readonly error: string | null }>;
  /**
   * An organisation store's member accounts, as the orchestrator last found them: `delivering`
   * (delivery has begun, and not silent at the last stop check), `silent` (not begun yet, or no
   * event within the hour at the last stop check); `null` without `memberAccountIds`.
   */
  readonly accounts: { readonly expected: string[]; readonly delivering: string[]; readonly silent: string[] } | null;
}

/** How many failed batches the text output quotes per import. */
export const FAILED_BATCHES_SHOWN = 3;

/** Width of the progress bar, in characters. */
export const BAR_SIZE = 20;

/** A line of the text output: either plain text, or an import with a progress bar between prefix and suffix. */
export type Row =
  | { readonly kind: 'text'; readonly text: string }
  | {
    readonly kind: 'bar';
    readonly prefix: string;
    /** Batches completed (the bar's value). */
    readonly value: number;
    /** Batches in all (the bar's total; 0 = empty bar). */
    readonly total: number;
    readonly suffix: string;
    /** SGR color code for the bar, when colors are on. */
    readonly barColor?: string;
  };

/** What the text output says besides the imports. */
export interface LayoutContext {
  /** ANSI colors (terminal mode only). */
  readonly color: boolean;
  /** Show the event data store ID instead of the whole ARN (terminal mode). */
  readonly shortSource: boolean;
  readonly region?: string;
  readonly selection: Selection;
  /** Watch mode: when the data was fetched (epoch ms) and how often it is. */
  readonly watch?: {
    readonly refreshedAt: number;
    readonly intervalSeconds: number;
    /** Every import has finished: this is the last refresh. */
    readonly finished?: boolean;
  };
}

const SGR = {
  bold: '1',
  dim: '2',
  red: '31',
  green: '32',
  yellow: '33',
  cyan: '36',
  grey: '90',
};

const STATUS_COLORS: Record<string, string> = {
  IN_PROGRESS: SGR.cyan,
  COMPLETED: SGR.green,
  FAILED: SGR.red,
  CANCELLED: SGR.yellow,
  QUEUED: SGR.grey,
  STARTING: SGR.cyan,
  WITHDRAWN: SGR.grey,
  NOT_FOUND: SGR.red,
};

const PLAIN_BAR: BarOptions = {
  barsize: BAR_SIZE,
  barCompleteString: '#'.repeat(BAR_SIZE + 1),
  barIncompleteString: '-'.repeat(BAR_SIZE + 1),
  barGlue: '',
};

/** The `--json` form of the views. */
export function toJson(views: readonly ImportView[]): ImportStatusJson[] {
  const iso = (t: number | undefined) => (t === undefined ? null : new Date(t).toISOString());
  return views.map((v) => ({
    importId: v.importId ?? null,
    importSourceArn: v.importSourceArn ?? null,
    importDestinationArn: v.importDestinationArn ?? null,
    status: v.status,
    bytesImported: v.bytesImported,
    batches: { ...v.batches },
    elapsedSeconds: v.elapsedSeconds ?? null,
    creationTime: iso(v.creationTime),
    lastUpdatedTime: iso(v.lastUpdatedTime),
    errorMessage: v.errorMessage ?? null,
    failedBatches: v.failedBatches.map((b) => ({ batchId: b.batchId, errorMessage: b.errorMessage ?? null })),
    stackResource: v.stackResource
      ? {
        logicalResourceId: v.stackResource.logicalResourceId,
        physicalResourceId: v.stackResource.physicalResourceId ?? null,
        resourceStatus: v.stackResource.resourceStatus ?? null,
      }
      : null,
    recordId: v.record?.recordId ?? null,
    state: v.record?.state ?? null,
    queuePosition: v.record?.queuePosition ? { ...v.record.queuePosition } : null,
    logicalResourceId: v.record?.logicalResourceId ?? v.stackResource?.logicalResourceId ?? null,
    retired: v.record ? v.record.retiredAt !== undefined : null,
    generation: v.record?.generation ?? null,
    destinationMismatch: v.record?.destinationMismatch ?? null,
    migration: migrationJson(v),
  }));
}

function migrationJson(v: ImportView): MigrationJson | null {
  const iso = (t: number | undefined) => (t === undefined ? null : new Date(t).toISOString());
  const cutover = v.record?.cutover;
  const stop = v.record?.ingestionStop;
  if (!cutover && !stop && !v.delivery) return null;
  return {
    cutover: cutover
      ? {
        logGroupNames: [...cutover.logGroupNames],
        overlapSeconds: Math.round(cutover.overlapMs / 1000),
        timeoutSeconds: Math.round(cutover.timeoutMs / 1000),
        firstEvents: Object.fromEntries(Object.entries(cutover.firstEvents ?? {}).map(([g, t]) => [g, new Date(t).toISOString()])),
        cutoverTime: iso(cutover.cutoverTime),
        windowEnd: iso(cutover.cutoverTime === undefined ? undefined : cutover.cutoverTime + cutover.overlapMs),
        readyAt: iso(cutover.readyAt),
      }
      : null,
    ingestionStop: stop
      ? {
        state: stop.state,
        parallelRunSeconds: Math.round(stop.parallelRunMs / 1000),
        dueAt: iso(stop.dueAt),
        stoppedAt: iso(stop.stoppedAt),
        message: stop.message ?? null,
      }
      : null,
    delivery: (v.delivery ?? []).map((d) => ({ logGroupName: d.logGroupName, state: d.state, error: d.error ?? null })),
    accounts: memberDelivery(v) ?? null,
  };
}

/** An organisation store's member accounts by what the orchestrator recorded: first events before the cutover, the stop check's silent ones after it. */
export function memberDelivery(v: ImportView): { expected: string[]; delivering: string[]; silent: string[] } | undefined {
  const cutover = v.record?.cutover;
  const expected = cutover?.memberAccounts;
  if (!cutover || !expected || expected.length === 0) return undefined;
  let silent: string[];
  if (cutover.cutoverTime === undefined) {
    const regions: Array<string | undefined> = [undefined, ...(cutover.regions ?? [])];
    silent = expected
      .filter((a) => regions.some((r) => cutover.logGroupNames.some((g) => cutover.firstEvents?.[firstEventKey(a, g, r)] === undefined)));
  } else {
    const stop = v.record?.ingestionStop;
    silent = stop?.state === 'PENDING' || stop?.state === 'FAILED' ? (stop.silentAccounts ?? []).filter((a) => expected.includes(a)) : [];
  }
  return { expected: [...expected], delivering: expected.filter((a) => !silent.includes(a)), silent };
}

/** Bytes in binary units: `512 B`, `1.5 KiB`, `3.0 MiB`, `1.2 GiB`... */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** Seconds as `45s`, `4m 05s`, `2h 03m`, `3d 04h`. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined) return '-';
  const s = Math.max(0, Math.floor(seconds));
  const two = (n: number) => String(n).padStart(2, '0');
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${two(s % 60)}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${two(Math.floor((s % 3600) / 60))}m`;
  return `${Math.floor(s / 86400)}d ${two(Math.floor((s % 86400) / 3600))}h`;
}

/** `1 in progress, 2 completed, 1 failed` (statuses in a fixed order, only those present). */
export function summarize(views: readonly ImportView[]): string {
  const order = ['IN_PROGRESS', 'STARTING', 'QUEUED', 'COMPLETED', 'FAILED', 'CANCELLED', 'WITHDRAWN', 'NOT_FOUND'];
  const counts = new Map<string, number>();
  views.forEach((v) => counts.set(v.status, (counts.get(v.status) ?? 0) + 1));
  const statuses = [...order.filter((s) => counts.has(s)), ...[...counts.keys()].filter((s) => !order.includes(s)).sort()];
  return statuses.map((s) => `${counts.get(s)} ${s.toLowerCase().replace(/_/g, ' ')}`).join(', ');
}

/** The rows of the text output: a header, a column header, then each import and its messages. */
export function layoutRows(views: readonly ImportView[], ctx: LayoutContext): Row[] {
  const paint = (code: string, text: string) => (ctx.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const rows: Row[] = [{ kind: 'text', text: paint(SGR.bold, headline(views, ctx)) }];
  if (views.length === 0) return rows;

  const ids = views.map((v) => v.importId ?? (['QUEUED', 'STARTING', 'WITHDRAWN'].includes(v.status) ? `(${v.status.toLowerCase()})` : '-'));
  const idWidth = Math.max('IMPORT ID'.length, ...ids.map((id) => id.length));
  const batchTexts = views.map((v) => `${v.batches.completed}/${v.batches.total}`);
  const batchWidth = Math.max('BATCHES'.length, ...batchTexts.map((t) => t.length));
  const statusWidth = 'IN_PROGRESS'.length;
  const withStack = ctx.selection.kind === 'stack' || ctx.selection.kind === 'ledger';
  const columns = [
    'IMPORT ID'.padEnd(idWidth),
    'STATUS'.padEnd(statusWidth),
    'PROGRESS'.padEnd(BAR_SIZE),
    'BATCHES'.padStart(batchWidth),
    'BYTES'.padStart(9),
    'ELAPSED'.padStart(8),
    withStack ? 'RESOURCE / SOURCE' : 'SOURCE',
  ];
  rows.push({ kind: 'text', text: paint(SGR.dim, columns.join('  ')) });

  views.forEach((v, i) => {
    const color = STATUS_COLORS[v.status];
    const status = v.status.padEnd(statusWidth);
    const source = v.importSourceArn ? (ctx.shortSource ? shortSourceOf(v.importSourceArn) : v.importSourceArn) : '-';
    const logicalId = v.record?.logicalResourceId ?? v.stackResource?.logicalResourceId;
    const resource = logicalId !== undefined ? `${logicalId}  ` : '';
    const done = v.status === 'COMPLETED';
    rows.push({
      kind: 'bar',
      prefix: `${ids[i].padEnd(idWidth)}  ${color ? paint(color, status) : status}  `,
      value: done ? Math.max(1, v.batches.total) : v.batches.completed,
      total: done ? Math.max(1, v.batches.total) : v.batches.total,
      suffix: '  ' + [
        batchTexts[i].padStart(batchWidth),
        formatBytes(v.bytesImported).padStart(9),
        formatDuration(v.elapsedSeconds).padStart(8),
        `${resource}${source}`,
      ].join('  '),
      barColor: ctx.color ? color : undefined,
    });
    detailLines(v, ctx.color).forEach(({ text, code }) => rows.push({ kind: 'text', text: '    ' + (code ? paint(code, text) : text) }));
  });
  return rows;
}

/** A row as text, with `bar` (already rendered) between prefix and suffix. */
export function rowText(row: Row, bar: string): string {
  return row.kind === 'text' ? row.text : `${row.prefix}${bar}${row.suffix}`;
}

/** The bar of a row as cli-progress draws it with `options` (its own characters and size). */
export function renderBar(progress: number, options: BarOptions, color?: string): string {
  const bar = Format.BarFormat(progress, options);
  return color ? `\u001b[${color}m${bar}\u001b[0m` : bar;
}

/** Fraction of a row's bar that is complete (0 when there are no batches yet). */
export function progressOf(row: Row): number {
  if (row.kind === 'text' || row.total <= 0) return 0;
  return Math.min(1, Math.max(0, row.value / row.total));
}

/** The text output without a terminal: plain lines, ASCII bars, no escape codes. */
export function renderPlain(views: readonly ImportView[], ctx: LayoutContext): string {
  const rows = layoutRows(views, { ...ctx, color: false });
  return rows.map((row) => rowText(row, `[${renderBar(progressOf(row), PLAIN_BAR)}]`)).join('\n') + '\n';
}

function headline(views: readonly ImportView[], ctx: LayoutContext): string {
  const where = ctx.region ? ` in ${ctx.region}` : '';
  const n = views.length;
  const imports = `${n} ${n === 1 ? 'import' : 'imports'}`;
  let what: string;
  switch (ctx.selection.kind) {
    case 'all': what = `${imports}${where}`; break;
    case 'event-data-store': what = `${imports} from ${ctx.selection.eventDataStoreArn}${where}`; break;
    case 'import': what = `Import ${ctx.selection.importId}${where}`; break;
    case 'stack': what = `${imports} in the ledger of stack ${ctx.selection.stackName}${where}`; break;
    case 'ledger': what = `${imports} in ledger ${ctx.selection.tableName}${where}`; break;
  }
  const summary = n === 0 ? (ctx.selection.kind === 'stack' ? ' (no Custom::EventDataStoreImport resources)' : '') : `: ${summarize(views)}`;
  let refreshed = '';
  if (ctx.watch) {
    refreshed = ctx.watch.finished
      ? ` | ${clockOf(ctx.watch.refreshedAt)}, all finished`
      : ` | ${clockOf(ctx.watch.refreshedAt)}, every ${ctx.watch.intervalSeconds}s until all have finished`;
  }
  return `${what}${summary}${refreshed}`;
}

/** Messages under an import: where its record stands, its errors, its first failed batches. */
function detailLines(v: ImportView, color: boolean): Array<{ text: string; code?: string }> {
  const lines: Array<{ text: string; code?: string }> = [];
  const record = v.record;
  // A migration's record waits for the cutover before it joins the queue for a slot.
  const awaitingCutover = record?.cutover !== undefined && record.cutover.cutoverTime === undefined && record.state === 'SCHEDULED';
  if (v.status === 'QUEUED' && !awaitingCutover) {
    const place = record?.queuePosition ? `${record.queuePosition.position} of ${record.queuePosition.of} in the ledger's queue, ` : '';
    const since = record ? ` (scheduled ${isoOf(record.createdAt)})` : ' (CloudFormation is creating the resource; no owner record yet)';
    lines.push({ text: `queued: ${place}waiting for a free import slot${since}`, code: SGR.grey });
  }
  if (v.status === 'STARTING') {
    const sent = record?.createSentAt !== undefined ? ` at ${isoOf(record.createSentAt)}` : '';
    lines.push(record?.state === 'UNCERTAIN'
      ? { text: `starting: CreateImportTask's outcome${sent} is not known yet; the orchestrator looks for the import before it tries again`, code: SGR.grey }
      : { text: `starting: CreateImportTask sent${sent}`, code: SGR.grey });
  }
  migrationLines(v).forEach((line) => lines.push(line));
  if (record && record.generation > 0 && (isLive(record) || record.ingestionStop?.state === 'PENDING')) {
    const name = record.executionArn?.slice(record.executionArn.lastIndexOf(':') + 1) ?? `${record.recordId}-g${record.generation}`;
    lines.push({ text: `execution: generation ${record.generation} (${name}); each earlier one handed over before its history filled`, code: SGR.grey });
  }
  if (record?.destinationMismatch) {
    lines.push({ text: `error: wrote to ${oneLine(record.destinationMismatch)}, not ${oneLine(record.expectedLogGroupName)} as the construct's attributes say`, code: SGR.red });
  }
  if (v.status === 'WITHDRAWN') {
    lines.push({ text: `withdrawn${record?.retiredAt !== undefined ? ` ${isoOf(record.retiredAt)}` : ''}: CloudFormation deleted the resource before its import was created; nothing was imported`, code: SGR.grey });
  } else if (record?.retiredAt !== undefined) {
    const goesOn = v.status === 'IN_PROGRESS' ? 'the import goes on and its data stays' : 'its data stays';
    const kept = record.removalPolicy === 'retain' ? `RemovalPolicy.RETAIN: ${goesOn}` : 'RemovalPolicy.DESTROY';
    lines.push({ text: `retired ${isoOf(record.retiredAt)}: CloudFormation deleted the resource (${kept})`, code: SGR.grey });
  }
  // A record's message is an error when the import failed; otherwise (cancelled on delete...) it says what happened.
  if (v.errorMessage && v.status !== 'WITHDRAWN') {
    const failed = v.status === 'FAILED' || v.status === 'NOT_FOUND' || !record;
    lines.push(failed ? { text: `error: ${oneLine(v.errorMessage)}`, code: SGR.red } : { text: `note: ${oneLine(v.errorMessage)}`, code: SGR.grey });
  }
  v.failedBatches.slice(0, FAILED_BATCHES_SHOWN).forEach((b) => {
    lines.push({ text: `batch ${b.batchId} failed${b.errorMessage ? `: ${oneLine(b.errorMessage)}` : ''}`, code: SGR.red });
  });
  const more = v.failedBatches.length - FAILED_BATCHES_SHOWN;
  if (more > 0) lines.push({ text: `${color ? '\u2026' : '...'} and ${more} more failed ${more === 1 ? 'batch' : 'batches'}`, code: SGR.red });
  return lines;
}

/**
 * A migration's lines: where its cutover stands, its stop of Lake ingestion, and whether the
 * telemetry rule delivers. Exported for the tests.
 */
export function migrationLines(v: ImportView): Array<{ text: string; code?: string }> {
  const lines: Array<{ text: string; code?: string }> = [];
  const record = v.record;
  const cutover = record?.cutover;
  if (record && cutover) {
    if (cutover.cutoverTime === undefined) {
      if (record.state === 'SCHEDULED') {
        const missing = [undefined, ...(cutover.regions ?? [])].flatMap((r) => cutover.logGroupNames
          .filter((g) => cutover.firstEvents?.[firstEventKey(undefined, g, r)] === undefined).map((g) => (r === undefined ? g : `${g} (${r})`)));
        lines.push({
          text: `cutover: waiting for the first ongoing event ${missing.length > 0 ? `in ${missing.join(', ')}` : 'of the member accounts'} (since ${isoOf(record.createdAt)}, gives up at ${isoOf(record.createdAt + cutover.timeoutMs)})`,
          code: SGR.grey,
        });
      }
    } else {
      const ready = record.state === 'SCHEDULED' && cutover.readyAt !== undefined ? `; import created from ${isoOf(cutover.readyAt)}` : '';
      lines.push({
        text: `cutover at ${isoOf(cutover.cutoverTime)}, window ends ${isoOf(cutover.cutoverTime + cutover.overlapMs)} (overlap ${Math.round(cutover.overlapMs / 60_000)} min)${ready}`,
        code: SGR.grey,
      });
    }
  }
  const members = memberDelivery(v);
  if (members && record?.state !== 'FAILED' && record?.state !== 'CANCELLED') {
    const shown = members.silent.slice(0, 10).join(', ') + (members.silent.length > 10 ? ` and ${members.silent.length - 10} more` : '');
    lines.push(members.silent.length === 0
      ? { text: `member accounts: ${members.delivering.length} of ${members.expected.length} delivering`, code: SGR.grey }
      : {
        text: `member accounts: ${members.delivering.length} of ${members.expected.length} delivering; ` +
          `${cutover?.cutoverTime === undefined ? 'not yet delivering' : 'silent within the last hour'}: ${shown}`,
        code: SGR.yellow,
      });
  }
  const stop = record?.ingestionStop;
  if (stop) {
    switch (stop.state) {
      case 'PENDING':
        lines.push({
          text: stop.dueAt !== undefined
            ? `Lake ingestion: stop pending at ${isoOf(stop.dueAt)}`
            : `Lake ingestion: stop pending (${formatDuration(stop.parallelRunMs / 1000)} after the cutover, once the import has completed)`,
          code: SGR.grey,
        });
        break;
      case 'STOPPED':
        lines.push({ text: stop.stoppedAt !== undefined ? `Lake ingestion: stopped at ${isoOf(stop.stoppedAt)}` : `Lake ingestion: stopped (${oneLine(stop.message ?? '')})`, code: SGR.grey });
        break;
      default:
        lines.push({ text: `Lake ingestion: not stopped: ${oneLine(stop.message ?? stop.state)}`, code: stop.state === 'FAILED' ? SGR.red : SGR.yellow });
    }
  }
  for (const d of v.delivery ?? []) {
    switch (d.state) {
      case 'delivering': lines.push({ text: `ongoing ${d.logGroupName}: delivering (an event within the last hour)`, code: SGR.green }); break;
      case 'silent': lines.push({ text: `ongoing ${d.logGroupName}: no event within the last hour`, code: SGR.yellow }); break;
      default: lines.push({ text: `ongoing ${d.logGroupName}: could not check: ${oneLine(d.error ?? 'unknown error')}`, code: SGR.yellow });
    }
  }
  return lines;
}

/** `eventdatastore/<id>` from an event data store ARN (the whole string if it is not one). */
function shortSourceOf(arn: string): string {
  const resource = arn.split(':').slice(5).join(':');
  return resource || arn;
}

function isoOf(t: number): string {
  return new Date(t).toISOString();
}

function clockOf(t: number): string {
  return `${new Date(t).toISOString().slice(11, 19)}Z`;
}

/** Messages from the service may hold newlines or escape characters: never let them into the terminal. */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
}
