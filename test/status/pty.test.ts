/**
 * The real command under a pseudo-terminal: `script` (util-linux) runs the CLI through ts-node
 * with AWS_ENDPOINT_URL pointing at the stand-ins, and the test reads what a terminal would get.
 * Set STATUS_CAPTURE_FILE=<path> to keep the capture (escape codes stripped) for the README.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ANSI, Fixture, STORE_A, STORE_B, stripAnsi } from './helpers';

const ROOT = path.join(__dirname, '..', '..');
const CLI = path.join('src', 'status', 'cli.ts');
const HAS_SCRIPT = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;

// The pseudo-terminal comes from util-linux's `script` (Debian's essential bsdutils): without it the
// rendering under a terminal would go untested, so say so instead of skipping.
beforeAll(() => {
  if (!HAS_SCRIPT) throw new Error('`script` (util-linux) is needed to test the status command under a pseudo-terminal: apt-get install bsdutils');
});
const MINUTE = 60_000;

/** Runs `command` under `script -qfec` and resolves to what the pseudo-terminal showed and the exit code. */
function underPty(command: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => output += chunk.toString('utf8'));
    child.stderr.on('data', (chunk: Buffer) => output += chunk.toString('utf8'));
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

let fx: Fixture;

beforeEach(async () => {
  fx = await Fixture.start();
});

afterEach(async () => {
  await fx.stop();
});

test('under a terminal, --watch draws cli-progress bars in place until all imports finish', async () => {
  const now = Date.now();
  fx.logs.addImport({ importSourceArn: STORE_A, importStatus: 'COMPLETED', creationTime: now - 125 * MINUTE, lastUpdatedTime: now - 47 * MINUTE });
  fx.logs.addImport({ importSourceArn: STORE_B, creationTime: now - 14 * MINUTE, failAtBatch: 3 });
  fx.logs.addImport({ importSourceArn: STORE_A, creationTime: now - 6 * MINUTE });
  fx.logs.tick();
  // Every DescribeImportTasks advances the imports by a batch, as if time passed between refreshes.
  fx.logs.options.autoAdvance = 1;

  const env: Record<string, string> = {
    ...fx.env(),
    TERM: 'xterm-256color',
    TS_NODE_PROJECT: 'tsconfig.json',
    TS_NODE_TRANSPILE_ONLY: 'true',
  };
  const { code, output } = await underPty(
    `stty cols 180 rows 30 2>/dev/null; exec node -r ts-node/register ${CLI} status --watch --interval 0.2`, env);

  expect(output).toContain('\u2588'); // bar characters (shades_classic preset)
  expect(output).toContain('\u2591');
  expect(output).toMatch(ANSI); // escape sequences...
  expect(output).toContain('\u001b[?25l'); // cursor hidden while watching
  expect(output).toContain('\u001b[?25h'); // and shown again
  expect(output).toMatch(/\u001b\[\d+A/); // redrawn in place (cursor up)
  expect(output).toContain('\u001b[32mCOMPLETED'); // colors
  expect(output).toContain('\u001b[31mFAILED');
  const screen = stripAnsi(output);
  expect(screen).toContain('3 imports in us-east-1: 2 completed, 1 failed');
  expect(screen).toContain('batch batch-0003 failed: Simulated failure of batch 3');
  expect(code).toBe(1); // one import failed

  if (process.env.STATUS_CAPTURE_FILE) fs.writeFileSync(process.env.STATUS_CAPTURE_FILE, screen);
}, 30_000);

test('under a terminal with NO_COLOR: plain lines, no escape codes from the command', async () => {
  fx.logs.addImport({ importSourceArn: STORE_A, importStatus: 'COMPLETED' });
  const env: Record<string, string> = { ...fx.env(), NO_COLOR: '1', TERM: 'xterm-256color', TS_NODE_PROJECT: 'tsconfig.json', TS_NODE_TRANSPILE_ONLY: 'true' };
  const { code, output } = await underPty(`exec node -r ts-node/register ${CLI} status`, env);
  expect(code).toBe(0);
  expect(output).not.toContain('\u001b');
  expect(output).toContain('COMPLETED    [####################]');
}, 30_000);
