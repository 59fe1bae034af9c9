/**
 * The orchestrator function's bundle: its size and cold module-load time, against the old design's
 * handler bundle (numbers of the last report of that design, below). What it does at deploy time is
 * measured by the deploy-time benchmark (deploy-time.ts).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as zlib from 'node:zlib';
import { REPO_ROOT, summarize, Summary } from './util';

/** The asset the construct deploys, as `npx projen bundle` writes it. */
export const BUNDLE = path.join(REPO_ROOT, 'assets', 'orchestrator', 'orchestrator.lambda', 'index.js');
/** What the bundle is built from: if any is newer, the bundle is stale. */
const BUNDLE_SOURCES = ['src/orchestrator', 'src/ledger', 'src/shared'];

/**
 * The old design's handler bundle (provider framework, assets/event-data-store-import/import-handler.lambda),
 * as the last report of that design (commit c8ef5f3, same machine kind) measured it.
 */
export const OLD_BUNDLE = { bytes: 534_932, gzipBytes: 159_681, loadMs: 120, clients: '@aws-sdk/client-cloudwatch-logs' } as const;

export interface BundleOptions {
  readonly loadRuns: number;
  readonly log: (line: string) => void;
}

export interface BundleResults {
  readonly bundlePath: string;
  readonly bundleBytes: number;
  readonly bundleGzipBytes: number;
  /** Wall time of `node -e "require('<bundle>')"`, per fresh process. */
  readonly loadMs: Summary;
  /** Wall time of `node -e ""`, per fresh process. */
  readonly emptyMs: Summary;
}

/** Fails when the bundle is missing or older than its sources (run `npx projen bundle`). */
export function checkBundle(): void {
  if (!fs.existsSync(BUNDLE)) {
    throw new Error(`${path.relative(REPO_ROOT, BUNDLE)} does not exist: run \`npx projen bundle\` first`);
  }
  const bundled = fs.statSync(BUNDLE).mtimeMs;
  const newer = BUNDLE_SOURCES.flatMap((p) => filesUnder(path.join(REPO_ROOT, p))).filter((f) => fs.statSync(f).mtimeMs > bundled);
  if (newer.length > 0) {
    throw new Error(`${path.relative(REPO_ROOT, BUNDLE)} is older than ${newer.map((f) => path.relative(REPO_ROOT, f)).join(', ')}: run \`npx projen bundle\` first`);
  }
}

export function runBundleBenchmarks(options: BundleOptions): BundleResults {
  checkBundle();
  const bytes = fs.readFileSync(BUNDLE);

  // Alternate the two kinds of process so that load drift hits both alike.
  const load: number[] = [];
  const empty: number[] = [];
  timeNode(''); // warm-up: the node binary and the bundle in the page cache
  timeNode(`require(${JSON.stringify(BUNDLE)})`);
  for (let i = 0; i < options.loadRuns; i++) {
    load.push(timeNode(`require(${JSON.stringify(BUNDLE)})`));
    empty.push(timeNode(''));
  }
  options.log(`bundle module load: ${summarize(load).median.toFixed(1)} ms, empty node: ${summarize(empty).median.toFixed(1)} ms`);

  return {
    bundlePath: path.relative(REPO_ROOT, BUNDLE),
    bundleBytes: bytes.length,
    bundleGzipBytes: zlib.gzipSync(bytes, { level: 9 }).length,
    loadMs: summarize(load),
    emptyMs: summarize(empty),
  };
}

/** Wall time of one fresh `node -e <script>` process, in ms. */
function timeNode(script: string): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, ['-e', script], {
    // The Lambda environment the function loads in: a region, no endpoint override.
    env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const elapsed = performance.now() - started;
  if (result.status !== 0) throw new Error(`node -e ${JSON.stringify(script)} failed: ${result.stderr}`);
  return elapsed;
}

function filesUnder(p: string): string[] {
  if (!fs.existsSync(p)) return [];
  if (!fs.statSync(p).isDirectory()) return [p];
  return fs.readdirSync(p).flatMap((name) => filesUnder(path.join(p, name)));
}
