/**
 * Measures what the construct costs its users and writes docs/BENCHMARKS.md.
 *
 *   npx projen bench                      (the task: bundles the handler, then runs this)
 *   npx projen bundle && npx ts-node --project bench/tsconfig.json bench/run.ts
 *
 * Options: --quick (fewer runs and a shorter migration, for trying the script; prints the report
 * instead of writing it), --out <file> (write the report elsewhere).
 *
 * Benchmarks never run inside the test suite: the test task's jest only matches *.test.ts under
 * src/ and test/; the deploy-time benchmark is a jest run of its own (bench/jest.config.js).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { checkBundle, runBundleBenchmarks } from './bundle';
import { runCliBenchmark } from './cli';
import { runDeployTimeBenchmark } from './deploy-time';
import { Machine, renderReport, Settings } from './report';
import { runScaleBenchmarks, scaleSection, withScaleSection } from './scale';
import { measureVariant, runSynthBenchmarks } from './synth';
import { REPO_ROOT } from './util';

const FULL: Settings = {
  counts: [1, 10, 50, 100],
  synthRuns: 11,
  loadRuns: 20,
  deployTime: {
    // 1 simulated second = 3 ms: the 40 imports (about 41 hours on 3 slots) take about 8 minutes.
    scale: 0.003,
    stores: 40,
    seed: 20_261_125,
    minSeconds: 10 * 60,
    maxSeconds: 6 * 3600,
    deployCounts: [1, 10, 40],
    deployRuns: 3,
  },
};

const QUICK: Settings = {
  ...FULL,
  synthRuns: 2,
  loadRuns: 5,
  deployTime: { ...FULL.deployTime, stores: 8, maxSeconds: 3600, deployRuns: 1 },
};

function main(): void {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const outIndex = args.indexOf('--out');
  const out = outIndex >= 0 ? path.resolve(args[outIndex + 1]) : path.join(REPO_ROOT, 'docs', 'BENCHMARKS.md');
  const settings = quick ? QUICK : FULL;
  const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

  checkBundle();
  const started = performance.now();
  const loadBefore = os.loadavg()[0];
  log(`synth: N = ${settings.counts.join(', ')}, ${settings.synthRuns} rounds, one fresh process per run`);
  const synth = runSynthBenchmarks({ counts: settings.counts, runs: settings.synthRuns, log });
  log('synth: the library under RemovalPolicy.DESTROY (templates only)');
  const destroy = measureVariant('library-destroy', settings.counts);
  const bundle = runBundleBenchmarks({ loadRuns: settings.loadRuns, log });
  const deployTime = runDeployTimeBenchmark(settings.deployTime, log);
  const cli = runCliBenchmark({ log });
  log('scale: the per-stack maxima of each configuration (bisection)');
  const scale = runScaleBenchmarks(log);
  const durationSeconds = (performance.now() - started) / 1000;

  const report = withScaleSection(
    renderReport({ settings, machine: machine(loadBefore), durationSeconds, synth, destroy, bundle, deployTime, cli }),
    scaleSection(scale),
  );
  if (quick && outIndex < 0) {
    process.stdout.write(report);
  } else {
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, report + keptSections(out));
    log(`wrote ${path.relative(process.cwd(), out)}`);
  }
  log(`done in ${durationSeconds.toFixed(0)} s`);
}

/**
 * Sections of the existing document that the benchmarks do not measure and so keep as they are:
 * "## Test suite timings" (measured by hand, see its text), up to the next "## " heading.
 */
function keptSections(file: string): string {
  if (!fs.existsSync(file)) return '';
  const match = /^## Test suite timings\n[\s\S]*?(?=^## |(?![\s\S]))/m.exec(fs.readFileSync(file, 'utf8'));
  return match ? `\n${match[0].trimEnd()}\n` : '';
}

function machine(loadBefore: number): Machine {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpuCount: cpus.length,
    memoryGiB: os.totalmem() / 1024 ** 3,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    node: process.version,
    awsCdkLib: packageVersion('aws-cdk-lib'),
    constructs: packageVersion('constructs'),
    date: new Date().toISOString(),
    loadBefore,
    loadAfter: os.loadavg()[0],
    source: sourceState(),
  };
}

function packageVersion(name: string): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(require.resolve(`${name}/package.json`, { paths: [REPO_ROOT] })) as { version: string }).version;
}

/** Which code was measured: the commit, and whether src/ had uncommitted changes. */
function sourceState(): string {
  const git = (...args: string[]) => spawnSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' });
  const head = git('rev-parse', '--short', 'HEAD');
  if (head.status !== 0) return 'unknown (not a git checkout)';
  const dirty = git('status', '--porcelain', '--', 'src').stdout.trim();
  return dirty ? `${head.stdout.trim()} with uncommitted changes in src/` : `${head.stdout.trim()} (src/ as committed)`;
}

try {
  main();
} catch (error) {
  process.stderr.write(`[bench] failed: ${(error as Error).message ?? String(error)}\n`);
  process.exit(1);
}
