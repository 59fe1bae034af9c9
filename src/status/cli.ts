#!/usr/bin/env node
/**
 * `cdk-eventdatastore-import status`: where the account's CloudTrail Lake to CloudWatch Logs
 * imports stand. See `README-section.md` next to this file for usage, exit codes and the
 * `--json` shape (`ImportStatusJson` in render.ts). The same program runs `preflight`
 * (src/preflight/command.ts), which has exit codes of its own.
 *
 * With `--stack` or `--ledger` it reads the stack's ledger (the owner records, one per import
 * request) and joins each record with its live import. Without them it lists what CloudWatch Logs
 * lists, and reads no ledger: finding the ledgers of an account would mean reading every stack.
 *
 * Exit codes: 0 every shown import is fine (IN_PROGRESS, COMPLETED, CANCELLED, QUEUED, STARTING
 * or WITHDRAWN: a cancellation is somebody's decision, not a failure); 1 some shown import FAILED,
 * is NOT_FOUND, or wrote to another log group than the construct's attributes say; 2 the status
 * could not be shown (usage, credentials, region, unknown stack, ledger table or import ID, or any
 * other error talking to AWS); 130 interrupted (Ctrl-C).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ImportCollector, ImportView, isFinished, Selection, StatusClients, StatusError } from './collect';
import { layoutRows, LayoutContext, oneLine, renderPlain, toJson } from './render';
import { TerminalRenderer } from './tty';
import { PreflightClientFactory } from '../preflight/clients';
import { addPreflightCommand } from '../preflight/command';
import { classifyError, credentialProblem, errorMessage, errorName } from '../shared/aws-errors';

export const EXIT_OK = 0;
export const EXIT_IMPORT_FAILED = 1;
export const EXIT_ERROR = 2;
export const EXIT_INTERRUPTED = 130;

/** Default `--interval`, in seconds. */
export const DEFAULT_INTERVAL_SECONDS = 10;

/** In watch mode, this many refreshes in a row may fail with a transient error before the command gives up. */
export const MAX_FAILED_REFRESHES = 3;

/**
 * Region names: two to four letters, words, a number (us-east-1, us-gov-west-1, eusc-de-east-1).
 * Wider than `^[a-z]{2}(-[a-z]+)+-\d$` so that the European Sovereign Cloud's names pass.
 */
export const REGION_PATTERN = /^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/;

const EVENT_DATA_STORE_ARN = /^arn:aws[a-z-]*:cloudtrail:([a-z0-9-]+):\d{12}:eventdatastore\/[-a-zA-Z0-9]+$/;
const IMPORT_ID = /^[-a-zA-Z0-9]{1,256}$/;
/** A DynamoDB table name. */
const TABLE = /^[a-zA-Z0-9_.-]{3,255}$/;
const NETWORK = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH/;

/** An output stream: `process.stdout`, or a fake one in tests. */
export interface OutputStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(chunk: string): boolean;
}

/** Options that choose the AWS clients (the rest comes from the standard chains and `AWS_ENDPOINT_URL`). */
export interface ClientOptions {
  readonly region?: string;
  readonly profile?: string;
}

/** Where the command reads and writes; every field but the streams has a default. */
export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  /** Read for `NO_COLOR` and `TERM`. Default `process.env` (the AWS SDK always reads `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Waits between refreshes; resolves early when `signal` aborts. Default: a timer. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Clock, epoch milliseconds. Default `Date.now`. */
  readonly now?: () => number;
  /** Aborting it (Ctrl-C) ends `--watch`: the command restores the terminal and returns 130. */
  readonly signal?: AbortSignal;
  /** Makes the AWS clients. Default: SDK clients with the standard credential and region chain. */
  readonly createClients?: (options: ClientOptions) => StatusClients;
  /** Makes the preflight command's AWS clients for a region. Default: SDK clients with the standard chains. */
  readonly createPreflightClients?: PreflightClientFactory;
}

interface StatusOptions {
  readonly eventDataStore?: string;
  readonly importId?: string;
  readonly stack?: string;
  readonly ledger?: string;
  readonly watch?: boolean;
  readonly interval: number;
  readonly json?: boolean;
  readonly color: boolean;
  readonly region?: string;
  readonly profile?: string;
}

/** Runs the command line `argv` (without `node` and the script, e.g. `['status', '--watch']`); resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode = EXIT_OK;
  const program = new Command('cdk-eventdatastore-import')
    .description('Tools for cdk-eventdatastore-import: CloudTrail Lake event data store imports into CloudWatch Logs.')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      // Errors are one line, the hint included.
      outputError: (s, write) => write(`${oneLine(s)} (run with --help for usage)\n`),
    });
  const version = packageVersion();
  if (version) program.version(version);

  program.command('status')
    .description('Show where the imports of the account and region stand: status, bytes imported, batches, elapsed time and errors.')
    .addOption(new Option('--event-data-store <arn>', 'only the imports from this event data store (its region is used unless --region says otherwise)')
      .conflicts(['importId', 'stack', 'ledger']))
    .addOption(new Option('--import-id <id>', 'only this import').conflicts(['stack', 'ledger']))
    .addOption(new Option('--stack <name>', 'the imports of this CloudFormation stack, read from its ledger (queued ones too) and joined with their live imports')
      .conflicts(['ledger']))
    .option('--ledger <table>', 'the imports of the ledger table with this name, as --stack reads them, without CloudFormation')
    .option('--watch', 'refresh in place until every shown import has finished, then exit')
    .addOption(new Option('--interval <seconds>', 'seconds between refreshes with --watch')
      .default(DEFAULT_INTERVAL_SECONDS)
      .argParser(parseInterval))
    .option('--json', 'print JSON: an array of imports (with --watch, one array per refresh, one per line)')
    .option('--no-color', 'plain lines without colors, bars drawn in place or cursor movement (also: NO_COLOR=1)')
    .option('--region <region>', 'AWS region (default: the standard chain, e.g. AWS_REGION or the profile)')
    .option('--profile <profile>', 'AWS profile from the shared config and credentials files')
    .addHelpText('after', [
      '',
      'Exit codes:',
      '  0    every shown import is IN_PROGRESS, COMPLETED, CANCELLED, QUEUED, STARTING or WITHDRAWN',
      '  1    some shown import FAILED, is NOT_FOUND, or wrote to another log group than its attributes say',
      '  2    the status could not be shown: usage, credentials, region, unknown stack, ledger or import ID, AWS errors',
      '  130  interrupted',
    ].join('\n'))
    .action(async (options: StatusOptions) => {
      exitCode = await runStatus(options, io);
    });

  addPreflightCommand(program, io, (code) => {
    exitCode = code;
  });

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      // Commander has already printed the message (or the help).
      return e.exitCode === 0 ? EXIT_OK : EXIT_ERROR;
    }
    io.stderr.write(`error: ${oneLine(errorMessage(e))}\n`);
    return EXIT_ERROR;
  }
  return exitCode;
}

/** The status command itself, once the command line is parsed. */
async function runStatus(options: StatusOptions, io: CliIo): Promise<number> {
  const env = io.env ?? process.env;
  const fail = (message: string) => {
    io.stderr.write(`error: ${oneLine(message)}\n`);
    return EXIT_ERROR;
  };

  let selection: Selection;
  let regionOption = options.region;
  if (regionOption !== undefined && !REGION_PATTERN.test(regionOption)) {
    return fail(unknownRegionMessage(regionOption, '--region'));
  }
  if (options.eventDataStore !== undefined) {
    const match = EVENT_DATA_STORE_ARN.exec(options.eventDataStore);
    if (!match) {
      return fail(`--event-data-store must be an event data store ARN (arn:aws:cloudtrail:<region>:<account>:eventdatastore/<id>), not "${options.eventDataStore}".`);
    }
    // An import lives in the region of its event data store.
    if (regionOption !== undefined && regionOption !== match[1]) {
      return fail(`The event data store is in ${match[1]}, and so are its imports: --region ${regionOption} would find none. Drop --region or use --region ${match[1]}.`);
    }
    regionOption = match[1];
    selection = { kind: 'event-data-store', eventDataStoreArn: options.eventDataStore };
  } else if (options.importId !== undefined) {
    if (!IMPORT_ID.test(options.importId)) {
      return fail(`--import-id must be an import ID (letters, digits and hyphens), not "${options.importId}".`);
    }
    selection = { kind: 'import', importId: options.importId };
  } else if (options.stack !== undefined) {
    selection = { kind: 'stack', stackName: options.stack };
  } else if (options.ledger !== undefined) {
    if (!TABLE.test(options.ledger)) {
      return fail(`--ledger must be a DynamoDB table name (3 to 255 letters, digits, '_', '-', '.'), not "${options.ledger}".`);
    }
    selection = { kind: 'ledger', tableName: options.ledger };
  } else {
    selection = { kind: 'all' };
  }

  const clients = (io.createClients ?? defaultClients)({ region: regionOption, profile: options.profile });
  try {
    let region: string;
    try {
      region = await clients.logs.config.region();
    } catch (e) {
      // The SDK refuses a region that cannot be part of a host name before any call.
      const refused = /Region not accepted: region="([^"]*)"/.exec(errorMessage(e));
      return fail(refused ? unknownRegionMessage(refused[1], 'The configured region') : explain(e, options));
    }
    if (!REGION_PATTERN.test(region)) {
      return fail(unknownRegionMessage(region, 'The configured region'));
    }
    if (!knownRegions().includes(region) && !options.json) {
      io.stderr.write(`note: ${region} is not a region this version knows; trying it anyway.\n`);
    }
    return await watchLoop(selection, options, io, env, clients, region);
  } catch (e) {
    return fail(explain(e, options));
  } finally {
    clients.logs.destroy();
    clients.cloudFormation?.destroy();
    clients.dynamodb?.destroy();
  }
}

/** Collects and shows the imports, once or (with --watch) until all have finished. */
async function watchLoop(
  selection: Selection,
  options: StatusOptions,
  io: CliIo,
  env: Readonly<Record<string, string | undefined>>,
  clients: StatusClients,
  region: string,
): Promise<number> {
  const now = io.now ?? Date.now;
  const sleep = io.sleep ?? defaultSleep;
  const collector = new ImportCollector(clients, { now, region, signal: io.signal });
  const terminal = !options.json && options.color && io.stdout.isTTY === true
    && !env.NO_COLOR && env.TERM !== 'dumb';
  const renderer = terminal ? new TerminalRenderer(io.stdout, { hideCursor: options.watch === true }) : undefined;
  const warn = (line: string) => (renderer ? renderer.log(line) : io.stderr.write(`${line}\n`));

  let views: ImportView[] | undefined;
  let failedRefreshes = 0;
  try {
    for (;;) {
      try {
        views = await collector.collect(selection);
        failedRefreshes = 0;
      } catch (e) {
        if (io.signal?.aborted) return EXIT_INTERRUPTED;
        // Once something is on screen, a passing network or throttling problem does not end --watch.
        const tolerated = options.watch && views !== undefined && !(e instanceof StatusError)
          && classifyError(e) === 'transient' && ++failedRefreshes < MAX_FAILED_REFRESHES;
        if (!tolerated) throw e;
        warn(`warning: refresh failed (${oneLine(explain(e, options))}); trying again in ${options.interval}s`);
      }
      if (io.signal?.aborted) return EXIT_INTERRUPTED;
      if (views === undefined) throw new Error('no status collected');

      const done = !options.watch || views.every(isFinished);
      const ctx: LayoutContext = {
        color: terminal,
        shortSource: terminal,
        region,
        selection,
        watch: options.watch ? { refreshedAt: now(), intervalSeconds: options.interval, finished: done } : undefined,
      };
      if (failedRefreshes === 0) {
        if (options.json) {
          io.stdout.write(options.watch ? `${JSON.stringify(toJson(views))}\n` : `${JSON.stringify(toJson(views), null, 2)}\n`);
        } else if (renderer) {
          renderer.show(layoutRows(views, ctx));
        } else {
          // With --watch, a blank line ends each block.
          io.stdout.write(`${renderPlain(views, ctx)}${options.watch ? '\n' : ''}`);
        }
      }
      if (done) break;
      await sleep(options.interval * 1000, io.signal);
      if (io.signal?.aborted) return EXIT_INTERRUPTED;
    }
  } finally {
    renderer?.stop();
  }
  return exitCodeOf(views);
}

/** 1 when a shown import FAILED, is NOT_FOUND or wrote to another log group than its attributes say; 0 otherwise. */
export function exitCodeOf(views: readonly ImportView[]): number {
  const failed = (v: ImportView) => v.status === 'FAILED' || v.status === 'NOT_FOUND' || v.record?.destinationMismatch !== undefined;
  return views.some(failed) ? EXIT_IMPORT_FAILED : EXIT_OK;
}

/** One line that says what went wrong and what to do about it. */
export function explain(e: unknown, options: { readonly profile?: string; readonly stack?: string; readonly ledger?: string } = {}): string {
  const name = errorName(e);
  const message = oneLine(errorMessage(e));
  if (e instanceof StatusError) return message;
  const credentials = credentialProblem(e, options.profile);
  if (credentials) return credentials;
  if (classifyError(e) === 'permissions') {
    const calls = ['logs:DescribeImportTasks', 'logs:DescribeImportTaskBatches'];
    if (options.stack !== undefined) calls.push('cloudformation:ListStackResources');
    if (options.stack !== undefined || options.ledger !== undefined) {
      calls.push('dynamodb:Scan on the ledger table (and kms:Decrypt on its key, when it has a customer managed one)');
    }
    return `Access denied (${name}: ${message}). The status command needs ${calls.slice(0, -1).join(', ')} and ${calls[calls.length - 1]}.`;
  }
  const code = (e as { code?: string }).code ?? '';
  if (NETWORK.test(`${code} ${name} ${message}`)) {
    return `Could not reach AWS (${code || name}: ${message}). Check the region name and your network connection.`;
  }
  return name === 'Error' ? message : `${name}: ${message}`;
}

/** The regions aws-cdk-lib knows (a region newer than it is still accepted if well formed). */
export function knownRegions(): string[] {
  return RegionInfo.regions.map((r) => r.name).filter((r) => REGION_PATTERN.test(r));
}

function unknownRegionMessage(region: string, what: string): string {
  return `${what} "${region}" is not a region name. Valid regions: ${knownRegions().join(', ')}.`;
}

function parseInterval(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) {
    throw new InvalidArgumentError('expected a number of seconds above 0 and at most 3600.');
  }
  return seconds;
}

function defaultClients(options: ClientOptions): StatusClients {
  // Only the options given: everything else (credentials, region, AWS_ENDPOINT_URL) comes from the SDK's chains.
  const config: { region?: string; profile?: string } = {};
  if (options.region !== undefined) config.region = options.region;
  if (options.profile !== undefined) config.profile = options.profile;
  return { logs: new CloudWatchLogsClient(config), cloudFormation: new CloudFormationClient(config), dynamodb: new DynamoDBClient(config) };
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The package's version, read at run time (from lib/status or src/status alike). */
function packageVersion(): string | undefined {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
    return typeof pkg.version === 'string' ? pkg.version : undefined;
  } catch {
    return undefined;
  }
}

if (require.main === module) {
  // The SDK's Node.js version notice (several lines on standard error, read when a client is
  // created) would bury the command's one-line errors; a user who wants it can set the variable.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  process.once('SIGTERM', () => controller.abort());
  main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, signal: controller.signal })
    .then((code) => {
      process.exitCode = code;
    }, (e: unknown) => {
      process.stderr.write(`error: ${oneLine(errorMessage(e))}\n`);
      process.exitCode = EXIT_ERROR;
    });
}
