/**
 * The CLI's start time (`--help`, a fresh Node.js process per run) and what `npm pack` ships.
 *
 *   npx projen bench:cli                  (bundles the CLI, then rewrites this section of docs/BENCHMARKS.md)
 *   npx ts-node --project bench/tsconfig.json bench/cli.ts [--print]
 *
 * `--print` prints the measurement as JSON instead of writing the report. The full
 * `npx projen bench` renders the same section.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fmtInt, fmtSummaryMs, REPO_ROOT, summarize, Summary, table } from './util';

/** The bundled CLI, the package's `bin` (the `bundle:cli` task writes it). */
export const CLI_BUNDLE = 'assets/cli/index.js';
/** The same sources compiled by tsc, not bundled: what `lib/status/cli.js` was (bench only). */
const UNBUNDLED_DIR = 'node_modules/.cache/cli-unbundled';
const UNBUNDLED = `${UNBUNDLED_DIR}/src/status/cli.js`;

/** What `npm pack --dry-run` reports. */
export interface PackSize {
  readonly packedBytes: number;
  readonly unpackedBytes: number;
  readonly files: number;
  readonly nodeModulesBytes: number;
}

export interface CliResults {
  readonly runs: number;
  /** `node <entry> --help`, bundled and unbundled, measured alternately in the same run. */
  readonly bundleMs: Summary;
  readonly unbundledMs: Summary;
  readonly bundleBytes: number;
  readonly pack: PackSize;
}

/**
 * The package before the CLI was bundled (commit 8dae9a1): the AWS SDK clients, commander and
 * cli-progress as bundledDependencies. `npm pack --dry-run` of that commit.
 */
export const PACK_BEFORE: PackSize = { packedBytes: 3_646_983, unpackedBytes: 21_984_384, files: 5_772, nodeModulesBytes: 18_731_752 };

export function runCliBenchmark(options: { runs?: number; log?: (line: string) => void } = {}): CliResults {
  const runs = options.runs ?? 10;
  const bundle = path.join(REPO_ROOT, CLI_BUNDLE);
  if (!fs.existsSync(bundle)) throw new Error(`${CLI_BUNDLE} does not exist: run \`npx projen bundle:cli\` first`);
  options.log?.(`cli: compiling the unbundled CLI into ${UNBUNDLED_DIR} (tsc)`);
  fs.rmSync(path.join(REPO_ROOT, UNBUNDLED_DIR), { recursive: true, force: true });
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'src/status/tsconfig.json', '--noEmit', 'false', '--outDir', UNBUNDLED_DIR,
    '--declaration', 'false', '--sourceMap', 'false', '--inlineSourceMap', 'false', '--inlineSources', 'false'], { cwd: REPO_ROOT, stdio: 'inherit' });
  const unbundled = path.join(REPO_ROOT, UNBUNDLED);
  options.log?.(`cli: node <entry> --help, ${runs} fresh processes per entry, alternating`);
  // One run of each first, unmeasured: the file system cache, as a user's second call has it.
  help(bundle);
  help(unbundled);
  const bundleMs: number[] = [];
  const unbundledMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    bundleMs.push(help(bundle));
    unbundledMs.push(help(unbundled));
  }
  return { runs, bundleMs: summarize(bundleMs), unbundledMs: summarize(unbundledMs), bundleBytes: fs.statSync(bundle).size, pack: packed() };
}

function help(file: string): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, [file, '--help'], { cwd: REPO_ROOT, encoding: 'utf8' });
  const ms = performance.now() - started;
  if (result.status !== 0 || !result.stdout.includes('Usage:')) {
    throw new Error(`node ${file} --help exited with ${result.status ?? result.signal}:\n${result.stderr}`);
  }
  return ms;
}

function packed(): PackSize {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const [pack] = JSON.parse(out) as Array<{ size: number; unpackedSize: number; files: Array<{ path: string; size: number }> }>;
  const nodeModules = pack.files.filter((f) => f.path.startsWith('node_modules/'));
  return {
    packedBytes: pack.size,
    unpackedBytes: pack.unpackedSize,
    files: pack.files.length,
    nodeModulesBytes: nodeModules.reduce((sum, f) => sum + f.size, 0),
  };
}

const MB = 1024 * 1024;
const fmtMb = (bytes: number) => `${(bytes / MB).toFixed(2)} MB`;

/** The report's section (docs/BENCHMARKS.md). */
export function cliSection(r: CliResults): string {
  const size = (label: string, p: PackSize) => [label, fmtMb(p.packedBytes), fmtMb(p.unpackedBytes), fmtInt(p.files), p.nodeModulesBytes === 0 ? 'none' : fmtMb(p.nodeModulesBytes)];
  const ratio = r.bundleMs.median / r.unbundledMs.median;
  const start = Math.abs(ratio - 1) < 0.1
    ? 'about the same: both evaluate every SDK client before commander reads the arguments, and that costs more than finding their files did'
    : ratio < 1 ? `${(1 / ratio).toFixed(1)}× faster bundled: one file to read instead of hundreds of module files resolved one by one` : `${ratio.toFixed(1)}× slower bundled`;
  return [
    '## CLI start time and package size',
    '',
    `The \`status\` and \`preflight\` commands ship as one esbuild bundle, the package's \`bin\` (\`${CLI_BUNDLE}\`, ${fmtInt(r.bundleBytes / 1024)} KiB minified, with the AWS SDK clients, commander and cli-progress; aws-cdk-lib, a peer dependency, stays outside). Before (up to commit 8dae9a1) they were \`lib/status/cli.js\`, tsc's output, loading those packages from the package's bundledDependencies.`,
    '',
    `Start time: the wall time of \`node <entry> --help\` in a fresh process, median (min–max) of ${r.runs} runs per entry after one unmeasured run, the two entries alternating so that both see the same load. "Unbundled" is the same sources compiled by tsc into \`${UNBUNDLED_DIR}\`, loading the same packages from node_modules: what \`lib/status/cli.js\` did.`,
    '',
    table(['Entry', 'Start (ms)'], [
      ['Unbundled (before)', fmtSummaryMs(r.unbundledMs)],
      [`\`${CLI_BUNDLE}\` (now)`, fmtSummaryMs(r.bundleMs)],
    ]),
    '',
    `Start: ${start}.`,
    '',
    'Size: `npm pack --dry-run` (before: the same command at commit 8dae9a1).',
    '',
    table(['Package', 'Packed', 'Unpacked', 'Files', 'Bundled node_modules'], [size('Before (commit 8dae9a1)', PACK_BEFORE), size('Now', r.pack)]),
    '',
    `The package is ${(PACK_BEFORE.packedBytes / r.pack.packedBytes).toFixed(1)}× smaller packed and ${(PACK_BEFORE.unpackedBytes / r.pack.unpackedBytes).toFixed(1)}× smaller installed, and every consumer app (and every Python wheel, which embeds the npm tarball) carries that. Reproduce this section alone with \`npx projen bench:cli\`.`,
    '',
  ].join('\n');
}

/** Replaces the section in an existing report (up to the next `## ` heading), or appends it. */
export function replaceSection(report: string, section: string): string {
  const start = report.indexOf('## CLI start time and package size');
  if (start < 0) {
    // Where the full report puts it: before the method.
    const method = report.indexOf('## Method');
    return method < 0 ? `${report.trimEnd()}\n\n${section}` : `${report.slice(0, method)}${section}\n${report.slice(method)}`;
  }
  const next = report.indexOf('\n## ', start + 1);
  return report.slice(0, start) + section + (next < 0 ? '' : `\n${report.slice(next + 1)}`);
}

function main(): void {
  const args = process.argv.slice(2);
  const result = runCliBenchmark({ log: (line) => process.stderr.write(`[bench] ${line}\n`) });
  if (args.includes('--print')) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const out = path.join(REPO_ROOT, 'docs', 'BENCHMARKS.md');
  fs.writeFileSync(out, replaceSection(fs.readFileSync(out, 'utf8'), cliSection(result)));
  process.stderr.write(`[bench] wrote the CLI section of ${path.relative(process.cwd(), out)}\n`);
}

if (require.main === module) main();
