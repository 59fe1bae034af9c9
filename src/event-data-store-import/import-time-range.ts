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
   */
  public static between(start: Date, end: Date): ImportTimeRange {
    return new FixedTimeRange(start.getTime(), end.getTime(), `ImportTimeRange.between(${describeDate(start)}, ${describeDate(end)})`);
  }

  /**
   * Events between two times given in milliseconds since the epoch. Either may be a token
   * (for example a CloudFormation parameter); tokens are checked by the service at deploy time.
   */
  public static fromEpochMillis(startEpochMillis: number, endEpochMillis: number): ImportTimeRange {
    return new FixedTimeRange(startEpochMillis, endEpochMillis, `ImportTimeRange.fromEpochMillis(${describeNumber(startEpochMillis)}, ${describeNumber(endEpochMillis)})`);
  }

  /**
   * The last `duration` of events before the import starts. The handler measures the window when
   * it creates the import, so the template stays the same from one synth to the next.
   */
  public static lookback(duration: Duration): ImportTimeRange {
    return new LookbackTimeRange(duration);
  }

  /** @internal */
  public abstract _render(): RenderedTimeRange;

  /** How the time range was written, for error messages. @internal */
  public abstract _describe(): string;
}

class FixedTimeRange extends ImportTimeRange {
  constructor(private readonly start: number, private readonly end: number, private readonly text: string) {
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
