/**
 * The status command end to end in-process: `main()` builds its own SDK clients, which find the
 * stand-ins through AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_CLOUDFORMATION like they would find AWS.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { ANSI, FakeStream, Fixture, NO_RECORD, REGION, STORE_A, STORE_B, stripAnsi } from './helpers';
import { ownerRecord, stackResources } from './ledger-fixture';
import { CliIo, explain, main } from '../../src/status/cli';
import { ImportStatusJson } from '../../src/status/render';

const MINUTE = 60_000;

let fx: Fixture;
let stdout: FakeStream;
let stderr: FakeStream;

beforeEach(async () => {
  fx = await Fixture.start();
  stdout = new FakeStream();
  stderr = new FakeStream();
});

afterEach(async () => {
  await fx.stop();
});

function run(args: string[], io: Partial<CliIo> = {}): Promise<number> {
  return main(args, { stdout, stderr, env: {}, ...io });
}

/** An IN_PROGRESS, a COMPLETED and a FAILED import (newest first: running, failed, completed). */
function mix() {
  const now = Date.now();
  const completed = fx.logs.addImport({ importSourceArn: STORE_A, importStatus: 'COMPLETED', creationTime: now - 90 * MINUTE, lastUpdatedTime: now - 30 * MINUTE });
  const failed = fx.logs.addImport({ importSourceArn: STORE_B, importStatus: 'FAILED', errorMessage: 'The role cannot read the store', creationTime: now - 20 * MINUTE });
  const running = fx.logs.addImport({ importSourceArn: STORE_A, creationTime: now - 5 * MINUTE });
  fx.logs.tick();
  return { completed, failed, running };
}

function parseJson(text: string): ImportStatusJson[] {
  return JSON.parse(text);
}

describe('one-shot output', () => {
  test('plain lines when stdout is not a TTY: every import, its bar, bytes, elapsed time and errors, no escape codes', async () => {
    const { completed, failed, running } = mix();
    expect(await run(['status'])).toBe(1); // one FAILED import

    const lines = stdout.text.trimEnd().split('\n');
    expect(lines[0]).toBe(`3 imports in ${REGION}: 1 in progress, 1 completed, 1 failed`);
    expect(lines[1]).toMatch(/^IMPORT ID\s+STATUS\s+PROGRESS\s+BATCHES\s+BYTES\s+ELAPSED\s+SOURCE$/);
    expect(lines[2]).toMatch(new RegExp(`^${running.importId}  IN_PROGRESS  \\[#{5}-{15}\\]\\s+1/4\\s+1\\.0 MiB\\s+5m 0\\ds  ${STORE_A}$`));
    expect(lines[3]).toMatch(new RegExp(`^${failed.importId}  FAILED\\s+\\[-{20}\\]\\s+0/4\\s+0 B\\s+0s  ${STORE_B}$`));
    expect(lines[4]).toBe('    error: The role cannot read the store');
    expect(lines[5]).toBe('    batch batch-0001 failed: The role cannot read the store');
    expect(lines[6]).toMatch(new RegExp(`^${completed.importId}  COMPLETED\\s+\\[#{20}\\]\\s+4/4\\s+4\\.0 MiB\\s+1h 00m  ${STORE_A}$`));
    expect(lines).toHaveLength(7);
    expect(stdout.text).not.toMatch(ANSI);
    expect(stdout.text).not.toContain('\u001b');
    expect(stderr.text).toBe('');
  });

  test('only the first 3 failed batch messages are quoted', async () => {
    const record = fx.logs.addImport({
      importSourceArn: STORE_A,
      importStatus: 'FAILED',
      errorMessage: 'Several batches failed',
      batches: [1, 2, 3, 4, 5].map((n) => ({ batchId: `b${n}`, status: 'FAILED' as const, errorMessage: `reason ${n}\nwith a newline` })),
    });
    expect(await run(['status', '--import-id', record.importId])).toBe(1);
    expect(stdout.text).toContain('    batch b1 failed: reason 1 with a newline\n    batch b2 failed: reason 2 with a newline\n    batch b3 failed: reason 3 with a newline\n');
    expect(stdout.text).toContain('    ... and 2 more failed batches\n');
    expect(stdout.text).not.toContain('b4 failed');

    stdout.text = '';
    expect(await run(['status', '--import-id', record.importId, '--json'])).toBe(1);
    expect(parseJson(stdout.text)[0].failedBatches).toHaveLength(5); // JSON has them all
  });

  test('--json: an array of objects of the documented shape', async () => {
    const { completed, failed, running } = mix();
    expect(await run(['status', '--json'])).toBe(1);

    const out = parseJson(stdout.text);
    expect(out.map((i) => i.importId)).toEqual([running.importId, failed.importId, completed.importId]);
    expect(out[1]).toEqual({
      importId: failed.importId,
      importSourceArn: STORE_B,
      importDestinationArn: failed.importDestinationArn,
      status: 'FAILED',
      bytesImported: 0,
      batches: { total: 4, completed: 0, failed: 1, inProgress: 0, cancelled: 3 },
      elapsedSeconds: 0,
      creationTime: new Date(failed.creationTime).toISOString(),
      lastUpdatedTime: new Date(failed.lastUpdatedTime).toISOString(),
      errorMessage: 'The role cannot read the store',
      failedBatches: [{ batchId: 'batch-0001', errorMessage: 'The role cannot read the store' }],
      stackResource: null,
      ...NO_RECORD, // without --stack or --ledger, no ledger is read
    });
    expect(out[2]).toMatchObject({ status: 'COMPLETED', bytesImported: 4 * 1024 * 1024, elapsedSeconds: 3600, errorMessage: null, failedBatches: [] });
    expect(out[0]).toMatchObject({ status: 'IN_PROGRESS', batches: { total: 4, completed: 1, inProgress: 3 } });
    expect(out[0].elapsedSeconds).toBeGreaterThanOrEqual(300);
    // Every key is always present.
    const keys = ['importId', 'importSourceArn', 'importDestinationArn', 'status', 'bytesImported', 'batches', 'elapsedSeconds',
      'creationTime', 'lastUpdatedTime', 'errorMessage', 'failedBatches', 'stackResource',
      'recordId', 'state', 'queuePosition', 'logicalResourceId', 'retired', 'generation', 'destinationMismatch', 'migration'];
    out.forEach((i) => expect(Object.keys(i).sort()).toEqual([...keys].sort()));
    expect(stderr.text).toBe('');
  });

  test('exit code 0 when no shown import failed; CANCELLED is not a failure', async () => {
    mix();
    fx.logs.addImport({ importSourceArn: STORE_A, importStatus: 'CANCELLED' });
    expect(await run(['status', '--event-data-store', STORE_A])).toBe(0);
    expect(stdout.text).toMatch(/^3 imports from arn:aws:cloudtrail:.* in us-east-1: 1 in progress, 1 completed, 1 cancelled\n/);
    expect(stdout.text).not.toContain(STORE_B);
  });

  test('no imports at all: exit 0', async () => {
    expect(await run(['status'])).toBe(0);
    expect(stdout.text).toBe(`0 imports in ${REGION}\n`);
    stdout.text = '';
    expect(await run(['status', '--json'])).toBe(0);
    expect(parseJson(stdout.text)).toEqual([]);
  });

  test('--import-id shows one import', async () => {
    const { running } = mix();
    expect(await run(['status', '--import-id', running.importId])).toBe(0);
    expect(stdout.text.split('\n')[0]).toBe(`Import ${running.importId} in ${REGION}: 1 in progress`);
    expect(stdout.text.trimEnd().split('\n')).toHaveLength(3);
  });
});

describe('terminal output', () => {
  test('on a TTY: cli-progress bars, colors and cursor movement', async () => {
    mix();
    const tty = new FakeStream(true);
    expect(await run(['status'], { stdout: tty })).toBe(1);

    expect(tty.text).toContain('\u2588'); // complete part of a bar
    expect(tty.text).toContain('\u2591'); // incomplete part
    expect(tty.text).toContain('\u001b[32mCOMPLETED'); // green
    expect(tty.text).toContain('\u001b[31mFAILED'); // red
    expect(tty.text).toMatch(/\u001b\[\d*G/); // cursor to column (cli-progress redraw)
    expect(tty.text).toContain('\u001b[?7l'); // line wrapping off while drawing...
    expect(tty.text).toContain('\u001b[?7h'); // ...and back on
    const screen = stripAnsi(tty.text);
    expect(screen).toContain('eventdatastore/aaaaaaaa-1111-4111-8111-aaaaaaaaaaaa'); // short source on a terminal
    expect(screen).toContain('    error: The role cannot read the store');
    expect(screen).toMatch(/IN_PROGRESS  \u2588{5}\u2591{15}/);
  });

  test.each([
    ['--no-color', ['--no-color'], {}],
    ['NO_COLOR', [], { NO_COLOR: '1' }],
    ['TERM=dumb', [], { TERM: 'dumb' }],
  ])('on a TTY with %s: plain lines', async (_name, flags, env) => {
    mix();
    const tty = new FakeStream(true);
    expect(await run(['status', ...flags], { stdout: tty, env })).toBe(1);
    expect(tty.text).not.toContain('\u001b');
    expect(tty.text).toContain('IN_PROGRESS  [#####---------------]');
  });
});

describe('--watch', () => {
  test('refreshes until every shown import has finished, one plain block per refresh', async () => {
    const { running } = mix();
    const second = fx.logs.addImport({ importSourceArn: STORE_B, failAtBatch: 3 });
    const sleeps: number[] = [];
    const code = await run(['status', '--watch', '--interval', '0.5'], {
      sleep: async (ms) => {
        sleeps.push(ms);
        fx.logs.tick();
      },
    });

    // running: 1/4 done, needs 3 ticks; second fails at its 3rd batch on the 3rd tick.
    expect(sleeps).toEqual([500, 500, 500]);
    expect(code).toBe(1);
    expect(stdout.text.endsWith('\n\n')).toBe(true);
    const blocks = stdout.text.split('\n\n').filter((b) => b !== '');
    expect(blocks).toHaveLength(4);
    expect(blocks[0]).toMatch(/^4 imports in us-east-1: 2 in progress, 1 completed, 1 failed \| \d\d:\d\d:\d\dZ, every 0\.5s until all have finished\n/);
    expect(blocks[3]).toMatch(/^4 imports in us-east-1: 2 completed, 2 failed \| \d\d:\d\d:\d\dZ, all finished\n/);
    expect(blocks[3]).toContain(`${running.importId}  COMPLETED`);
    expect(blocks[3]).toContain(`${second.importId}  FAILED`);
    expect(blocks[3]).toContain('    batch batch-0003 failed: Simulated failure of batch 3');
    expect(stdout.text).not.toContain('\u001b');
  });

  test('ends with 0 when all complete; refreshes with the default interval of 10 s', async () => {
    const { running } = mix();
    const sleeps: number[] = [];
    const code = await run(['status', '--watch', '--event-data-store', STORE_A], {
      sleep: async (ms) => {
        sleeps.push(ms);
        fx.logs.completeImport(running.importId);
      },
    });
    expect(code).toBe(0);
    expect(sleeps).toEqual([10_000]);
  });

  test('exits at once when nothing is in progress', async () => {
    fx.logs.addImport({ importSourceArn: STORE_A, importStatus: 'COMPLETED' });
    const sleep = jest.fn(async () => undefined);
    expect(await run(['status', '--watch'], { sleep })).toBe(0);
    expect(sleep).not.toHaveBeenCalled();
  });

  test('--json --watch: one JSON array per refresh, one per line', async () => {
    const { running } = mix();
    const code = await run(['status', '--watch', '--json', '--import-id', running.importId], { sleep: async () => fx.logs.tick() });
    expect(code).toBe(0);
    const lines = stdout.text.trimEnd().split('\n');
    expect(lines.map((l) => parseJson(l)[0].batches.completed)).toEqual([1, 2, 3, 4]);
    expect(parseJson(lines[3])[0].status).toBe('COMPLETED');
  });

  test('on a TTY: bars redrawn in place with the cursor hidden, then restored', async () => {
    const { running } = mix();
    const tty = new FakeStream(true);
    const code = await run(['status', '--watch', '--import-id', running.importId], { stdout: tty, sleep: async () => fx.logs.tick() });
    expect(code).toBe(0);
    expect(tty.text.startsWith('\u001b[?25l')).toBe(true); // cursor hidden...
    expect(tty.text).toContain('\u001b[?25h'); // ...and shown again
    expect(tty.text).toMatch(/\u001b\[\d+A/); // cursor up: redrawn in place
    expect(tty.text).toContain('\u2588'.repeat(20)); // the full bar at the end
    expect(stripAnsi(tty.text)).toContain('1 completed');
  });

  test('the --stack view reads the stack and its ledger again on each refresh, and follows a queued import once it starts', async () => {
    const { running } = mix();
    const stack = fx.synthesized();
    const ledger = await fx.createLedger('Ledger');
    const record = ownerRecord({ logicalResourceId: stack.imports.ImportA, sourceArn: STORE_A, state: 'SCHEDULED', createdAt: Date.now() });
    await ledger.create(record);
    fx.cloudFormation.setStack('Migration', stackResources(stack, 'Ledger', { ImportA: null }));
    let refresh = 0;
    const code = await run(['status', '--watch', '--json', '--stack', 'Migration'], {
      sleep: async () => {
        refresh++;
        if (refresh === 1) {
          await ledger.update({ pk: record.pk, sk: record.sk }, { state: 'STARTED', importId: running.importId });
          fx.cloudFormation.setStack('Migration', stackResources(stack, 'Ledger', { ImportA: record.sk }));
        } else {
          fx.logs.completeImport(running.importId);
        }
      },
    });
    expect(code).toBe(0);
    const refreshes = stdout.text.trimEnd().split('\n').map((l) => parseJson(l)[0]);
    expect(refreshes.map((v) => [v.status, v.stackResource?.physicalResourceId])).toEqual([['QUEUED', null], ['IN_PROGRESS', record.sk], ['COMPLETED', record.sk]]);
    expect(fx.cloudFormation.listCount()).toBe(3);
  });

  test('a passing service error does not end the watch; three in a row do', async () => {
    const { running } = mix();
    let refresh = 0;
    const code = await run(['status', '--watch', '--import-id', running.importId], {
      sleep: async () => {
        refresh++;
        // The SDK makes 3 attempts per call: 3 server errors make one refresh fail.
        if (refresh === 1) fx.logs.serverErrorNext(3, 'DescribeImportTasks');
        if (refresh === 2) fx.logs.completeImport(running.importId);
      },
    });
    expect(code).toBe(0);
    expect(stderr.text).toMatch(/^warning: refresh failed \(ServiceUnavailableException: .*\); trying again in 10s\n$/);

    stderr.text = '';
    const other = fx.logs.addImport({ importSourceArn: STORE_A });
    const failing = await run(['status', '--watch', '--import-id', other.importId], {
      sleep: async () => fx.logs.serverErrorNext(3, 'DescribeImportTasks'),
    });
    expect(failing).toBe(2);
    expect(stderr.text.split('\n').filter((l) => l.startsWith('warning:'))).toHaveLength(2);
    expect(stderr.text).toMatch(/\nerror: ServiceUnavailableException: .*\n$/);
  }, 20_000);

  test('Ctrl-C ends the watch with 130 and restores the cursor', async () => {
    mix();
    const controller = new AbortController();
    const tty = new FakeStream(true);
    const code = await run(['status', '--watch'], {
      stdout: tty,
      signal: controller.signal,
      sleep: async () => controller.abort(),
    });
    expect(code).toBe(130);
    expect(tty.text).toContain('\u001b[?25h');
  });
});

describe('errors: exit code 2, one line, no stack trace', () => {
  async function error(args: string[], io: Partial<CliIo> = {}): Promise<string> {
    expect(await run(args, io)).toBe(2);
    expect(stdout.text).toBe('');
    return stderr.text;
  }

  test('missing credentials', async () => {
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    expect(await error(['status'])).toMatch(/^error: No AWS credentials found: Could not load credentials from any providers\. Use --profile, .*\n$/);
  });

  test('a profile that does not exist', async () => {
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    expect(await error(['status', '--profile', 'nope'])).toMatch(/^error: No AWS credentials found \(profile nope\): .*\n$/);
  });

  test('no region', async () => {
    delete process.env.AWS_REGION;
    expect(await error(['status'])).toBe('error: No AWS region configured. Use --region, set AWS_REGION, or set a region in your AWS profile.\n');
  });

  test('a region name that is not one', async () => {
    const text = await error(['status', '--region', 'europe']);
    expect(text).toMatch(/^error: --region "europe" is not a region name\. Valid regions: .*\beu-west-1\b.*\bus-east-1\b.*\.\n$/);
    expect(text.split('\n')).toHaveLength(2);

    stderr.text = '';
    process.env.AWS_REGION = 'US_EAST_1';
    expect(await error(['status'])).toMatch(/^error: The configured region "US_EAST_1" is not a region name\. Valid regions: /);

    stderr.text = '';
    process.env.AWS_REGION = 'useast1';
    expect(await error(['status'])).toMatch(/^error: The configured region "useast1" is not a region name\. Valid regions: /);
  });

  test('a well-formed region this version does not know is tried, with a note', async () => {
    expect(await run(['status', '--region', 'xx-future-1'])).toBe(0);
    expect(stderr.text).toBe('note: xx-future-1 is not a region this version knows; trying it anyway.\n');
    expect(stdout.text).toBe('0 imports in xx-future-1\n');
  });

  test('an unknown stack', async () => {
    expect(await error(['status', '--stack', 'NoSuchStack'])).toBe(`error: Stack NoSuchStack does not exist in ${REGION}.\n`);
  });

  test('an unknown import ID', async () => {
    mix();
    expect(await error(['status', '--import-id', 'no-such-import'])).toBe(`error: No import with ID no-such-import in ${REGION}.\n`);
    expect(await run(['status', '--import-id', 'bad id!'])).toBe(2);
    expect(stderr.text).toContain('error: --import-id must be an import ID (letters, digits and hyphens), not "bad id!".\n');
  });

  test('access denied', async () => {
    fx.logs.accessDeniedFirst(1);
    expect(await error(['status'])).toMatch(/^error: Access denied \(AccessDeniedException: .*\)\. The status command needs logs:DescribeImportTasks and logs:DescribeImportTaskBatches\.\n$/);
  });

  test('--event-data-store: not an ARN, or in another region than --region', async () => {
    expect(await error(['status', '--event-data-store', 'my-store'])).toMatch(/^error: --event-data-store must be an event data store ARN/);
    stderr.text = '';
    expect(await error(['status', '--event-data-store', STORE_A.replace(REGION, 'eu-west-1'), '--region', REGION]))
      .toBe('error: The event data store is in eu-west-1, and so are its imports: --region us-east-1 would find none. Drop --region or use --region eu-west-1.\n');
  });

  test('--event-data-store picks its region when --region is not given', async () => {
    const storeInEurope = STORE_A.replace(REGION, 'eu-west-1');
    expect(await run(['status', '--event-data-store', storeInEurope])).toBe(0);
    expect(stdout.text).toBe(`0 imports from ${storeInEurope} in eu-west-1\n`);
  });

  test.each([
    [['status', '--stack', 'S', '--import-id', 'x'], /option '--import-id <id>' cannot be used with option '--stack <name>'/],
    [['status', '--event-data-store', STORE_A, '--stack', 'S'], /cannot be used with/],
    [['status', '--interval', '0'], /option '--interval <seconds>' argument '0' is invalid/],
    [['status', '--interval', 'soon'], /is invalid/],
    [['status', '--bogus'], /unknown option '--bogus'/],
    [['stat'], /unknown command 'stat'/],
  ])('usage error: %j', async (args, message) => {
    const text = await error(args);
    expect(text).toMatch(message);
    // One line, the hint included.
    expect(text).toMatch(/^error: [^\n]* \(run with --help for usage\)\n$/);
  });

  test('the command run by a user prints its error on one line: no Node.js version notice from the SDK', () => {
    // A child process, as `npx cdk-eventdatastore-import` runs it, without the variable the fixture sets.
    const env = { ...process.env, ...fx.env(), AWS_ENDPOINT_URL: 'http://127.0.0.1:9' };
    delete (env as Record<string, string | undefined>).AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
    const result = spawnSync(process.execPath, ['-r', 'ts-node/register', path.join('src', 'status', 'cli.ts'), 'status'], { env, encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^error: Could not reach AWS \(ECONNREFUSED[^\n]*\n$/);
  });

  test('--help exits 0', async () => {
    expect(await run(['status', '--help'])).toBe(0);
    expect(stdout.text).toContain('--watch');
    expect(stdout.text).toContain('Exit codes:');
  });

  test('explain() of other errors: name and message on one line', () => {
    expect(explain(Object.assign(new Error('getaddrinfo ENOTFOUND logs.xx-future-1.amazonaws.com'), { code: 'ENOTFOUND' })))
      .toBe('Could not reach AWS (ENOTFOUND: getaddrinfo ENOTFOUND logs.xx-future-1.amazonaws.com). Check the region name and your network connection.');
    expect(explain(Object.assign(new Error('The security token included in the request is expired'), { name: 'ExpiredTokenException' }), { profile: 'dev' }))
      .toBe('AWS rejected the credentials (profile dev) (ExpiredTokenException: The security token included in the request is expired). Refresh them, e.g. `aws sso login`.');
    expect(explain(Object.assign(new Error('line one\nline two'), { name: 'WeirdException' }))).toBe('WeirdException: line one line two');
  });
});
