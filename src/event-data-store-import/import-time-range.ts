import { Duration, Token } from 'aws-cdk-lib';

/** The window an import copies, as the construct passes it to the handler. @internal */
export interface RenderedTimeRange {
  /** Epoch milliseconds; may be a token. */
  readonly startEventTime?: number;
  /** Epoch milliseconds; may be a token. */
  readonly endEventTime?: number;
  /** Sliding window, resolved by the handler when the import starts. */
  readonly lookbackMillis?: number;
}

/**
 * Which events to import, by CloudTrail event time.
 *
 * Without a time range, an import copies everything in the store's retention period.
 */
export abstract class ImportTimeRange {
  /**
   * Events from `start` to `end` (both inclusive). The dates are fixed at synth time, so the
   * template does not depend on when it is synthesized.
   *
   * Both ends are imported: a range that ends at 2025-01-01T00:00:00Z includes that first
   * millisecond of 2025. For whole years or months, `calendarYear` and `calendarMonth` end one
   * millisecond earlier, so that consecutive ones never overlap.
   */
  public static between(start: Date, end: Date): ImportTimeRange {
    return new FixedTimeRange(start.getTime(), end.getTime(), `ImportTimeRange.between(${describeDate(start)}, ${describeDate(end)})`, 'Date');
  }

  /**
   * One calendar year in UTC: from January 1st, 00:00:00.000, to December 31st, 23:59:59.999.
   * Consecutive years never overlap.
   *
   * @param year the year, for example 2025
   */
  public static calendarYear(year: number): ImportTimeRange {
    checkWholeNumber('calendarYear', 'year', year, MIN_YEAR, MAX_YEAR);
    return new FixedTimeRange(Date.UTC(year, 0, 1), Date.UTC(year + 1, 0, 1) - 1, `ImportTimeRange.calendarYear(${year})`, 'calendar');
  }

  /**
   * One calendar month in UTC: from its first day, 00:00:00.000, to its last day, 23:59:59.999.
   * Consecutive months never overlap.
   *
   * @param year the year, for example 2025
   * @param month the month, from 1 (January) to 12 (December)
   */
  public static calendarMonth(year: number, month: number): ImportTimeRange {
    checkWholeNumber('calendarMonth', 'year', year, MIN_YEAR, MAX_YEAR);
    checkWholeNumber('calendarMonth', 'month', month, 1, 12);
    // Date.UTC counts months from 0, and rolls month 12 over into January of the next year.
    return new FixedTimeRange(Date.UTC(year, month - 1, 1), Date.UTC(year, month, 1) - 1, `ImportTimeRange.calendarMonth(${year}, ${month})`, 'calendar');
  }

  /**
   * Events between two times given in milliseconds since the epoch. Either may be a token
   * (for example a CloudFormation parameter); tokens are checked by the service at deploy time.
   */
  public static fromEpochMillis(startEpochMillis: number, endEpochMillis: number): ImportTimeRange {
    return new FixedTimeRange(startEpochMillis, endEpochMillis, `ImportTimeRange.fromEpochMillis(${describeNumber(startEpochMillis)}, ${describeNumber(endEpochMillis)})`, 'millis');
  }

  /**
   * The last `duration` of events before the import starts. The handler measures the window when
   * it creates the import, so the template stays the same from one synth to the next.
   */
  public static lookback(duration: Duration): ImportTimeRange {
    return new LookbackTimeRange(duration);
  }

  /** How the times were given (a fixed range only), for error messages. @internal */
  public abstract readonly _given?: 'Date' | 'millis' | 'calendar';

  /** @internal */
  public abstract _render(): RenderedTimeRange;

  /** How the time range was written, for error messages. @internal */
  public abstract _describe(): string;
}

const MIN_YEAR = 1970;
const MAX_YEAR = 9999;

function checkWholeNumber(factory: string, name: string, value: number, min: number, max: number): void {
  if (Token.isUnresolved(value)) {
    throw new Error(`ImportTimeRange.${factory}: ${name} must be a number known at synth time, got a token; use ImportTimeRange.fromEpochMillis for values known only at deploy time`);
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`ImportTimeRange.${factory}: ${name} must be a whole number from ${min} to ${max}, got ${value}`);
  }
}

class FixedTimeRange extends ImportTimeRange {
  constructor(private readonly start: number, private readonly end: number, private readonly text: string,
    public readonly _given: 'Date' | 'millis' | 'calendar') {
    super();
  }

  public _render(): RenderedTimeRange {
    return { startEventTime: this.start, endEventTime: this.end };
  }

  public _describe(): string {
    return this.text;
  }
}

class LookbackTimeRange extends ImportTimeRange {
  public readonly _given = undefined;

  constructor(private readonly duration: Duration) {
    super();
  }

  public _render(): RenderedTimeRange {
    return { lookbackMillis: this.duration.toMilliseconds() };
  }

  public _describe(): string {
    return `ImportTimeRange.lookback(${this.duration.toHumanString()})`;
  }
}

function describeDate(date: Date): string {
  return Number.isNaN(date.getTime()) ? 'Invalid Date' : date.toISOString();
}

function describeNumber(value: number): string {
  return Token.isUnresolved(value) ? '<token>' : String(value);
}
