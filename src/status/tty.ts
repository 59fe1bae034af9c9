/**
 * The terminal output of the status command: the rows of `layoutRows`, drawn by a cli-progress
 * MultiBar (one of its bars per row), redrawn in place on each refresh.
 */
import { MultiBar, Options, Params, Presets, SingleBar } from 'cli-progress';
import { BAR_SIZE, renderBar, Row, rowText } from './render';

/** What the renderer needs of an output stream (`process.stdout`, or a fake one in tests). */
export interface TerminalStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(chunk: string): boolean;
}

export interface TerminalRendererOptions {
  /** Hide the cursor while the bars are shown (watch mode). Default false. */
  readonly hideCursor?: boolean;
}

/** Draws rows on a terminal with cli-progress; call `show` on each refresh and `stop` at the end. */
export class TerminalRenderer {
  private multibar?: MultiBar;
  private readonly slots: SingleBar[] = [];

  constructor(private readonly stream: TerminalStream, private readonly options: TerminalRendererOptions = {}) {}

  /** Replaces what is on screen with `rows`. */
  public show(rows: readonly Row[]): void {
    const multibar = this.multibar ?? this.start();
    while (this.slots.length > rows.length) {
      multibar.remove(this.slots.pop()!);
    }
    rows.forEach((row, i) => {
      const total = row.kind === 'bar' ? row.total : 0;
      const value = row.kind === 'bar' ? row.value : 0;
      const slot = this.slots[i];
      if (slot) {
        slot.setTotal(total);
        slot.update(value, { row });
      } else {
        this.slots.push(multibar.create(total, value, { row }));
      }
    });
    multibar.update();
  }

  /** A line above the rows (e.g. a warning), without breaking the redraw. */
  public log(line: string): void {
    if (this.multibar) {
      this.multibar.log(`${line}\n`);
      this.multibar.update();
    } else {
      this.stream.write(`${line}\n`);
    }
  }

  /** Draws the rows one last time, restores the cursor and line wrapping, and leaves them on screen. */
  public stop(): void {
    this.multibar?.stop();
    this.multibar = undefined;
    this.slots.splice(0);
  }

  private start(): MultiBar {
    const options: Options = {
      stream: this.stream as unknown as NodeJS.WritableStream,
      format: formatRow,
      barsize: BAR_SIZE,
      hideCursor: this.options.hideCursor ?? false,
      clearOnComplete: false,
      stopOnComplete: false,
      emptyOnZero: true,
      linewrap: false,
      gracefulExit: false,
      fps: 4,
    };
    this.multibar = new MultiBar(options, Presets.shades_classic);
    return this.multibar;
  }
}

/** cli-progress formatter: a text row as is; an import row with the bar cli-progress draws for it. */
function formatRow(options: Options, params: Params, payload: { row?: Row }): string {
  const row = payload.row;
  if (!row) return '';
  return rowText(row, row.kind === 'bar' ? renderBar(params.progress, options, row.barColor) : '');
}
