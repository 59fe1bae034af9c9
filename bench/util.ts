/**
 * Small helpers shared by the benchmarks: statistics, child processes, formatting.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

/** The repository root (bench/ lives directly under it). */
export const REPO_ROOT = path.resolve(__dirname, '..');

/** Median, min and max of a sample (and the sample itself, for the raw data). */
export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly count: number;
}

export function summarize(values: number[]): Summary {
  if (values.length === 0) throw new Error('summarize: empty sample');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], mean, count: sorted.length };
}

/** The p-th percentile (0..100) by nearest rank. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/**
 * Runs a TypeScript file of bench/ in a fresh Node.js process (ts-node, transpile only: the
 * parent has type-checked it) and returns the JSON it prints on its last stdout line.
 */
export function runTsChild<T>(file: string, args: string[], env: NodeJS.ProcessEnv = {}): T {
  const result = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(__dirname, file), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    throw new Error(`bench/${file} ${args.join(' ')} exited with ${result.status ?? result.signal}:\n${result.stderr}`);
  }
  const lines = result.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as T;
}

/** Seeded PRNG (Park-Miller), so that simulated instants are the same from run to run. */
export function seededRandom(seed: number): () => number {
  const modulus = 2_147_483_647;
  let state = (Math.abs(Math.floor(seed)) % (modulus - 1)) + 1;
  return () => {
    state = (state * 48_271) % modulus;
    return (state - 1) / (modulus - 1);
  };
}

// ---- formatting ----

export function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function fmtMs(ms: number): string {
  return ms >= 100 ? `${Math.round(ms)}` : ms.toFixed(1);
}

export function fmtRatio(library: number, baseline: number): string {
  if (baseline === 0) return library === 0 ? '—' : '∞';
  return `${(library / baseline).toFixed(2)}×`;
}

export function fmtSummaryMs(s: Summary): string {
  return `${fmtMs(s.median)} (${fmtMs(s.min)}–${fmtMs(s.max)})`;
}

export function mark(ok: boolean): string {
  return ok ? '✅' : '❌';
}

/** A markdown table from a header row and body rows. */
export function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|').replace(/\n/g, ' ')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
