/**
 * One synth measurement, run in a fresh child process by bench/synth.ts:
 *
 *   node -r ts-node/register/transpile-only bench/synth-app.ts <library|library-destroy|baseline> <N> <outdir>
 *
 * Builds a fresh App with N imports written one way or the other, times `new App()` through
 * `app.synth()` (wall and CPU time, and how much of it is module loading), and prints one JSON
 * line (SynthOnceResult).
 */
import Module from 'node:module';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cr from 'aws-cdk-lib/custom-resources';
import { EventDataStoreImport, ImportSource, ImportTimeRange } from '../src';

/** `library-destroy`: the library with RemovalPolicy.DESTROY (a variant, measured for its template only). */
export type Side = 'library' | 'library-destroy' | 'baseline';
const SIDES: readonly string[] = ['library', 'library-destroy', 'baseline'];

export const ACCOUNT = '111111111111';
export const REGION = 'us-east-1';
export const STACK_NAME = 'Bench';
/** The fixed window every import copies, on both sides. */
export const WINDOW_START = new Date('2025-01-01T00:00:00Z');
export const WINDOW_END = new Date('2025-02-01T00:00:00Z');

/**
 * The context the aws-cdk CLI (2.1xxx) passes to every `cdk synth` with default settings, so the
 * template is the one a user deploys: `aws:cdk:path` metadata on each resource and the
 * AWS::CDK::Metadata resource. Stack traces of annotations stay on, as in the CLI.
 * No feature flags: like an app without a cdk.json.
 */
export const CLI_CONTEXT: Record<string, unknown> = {
  'aws:cdk:enable-path-metadata': true,
  'aws:cdk:enable-asset-metadata': true,
  'aws:cdk:version-reporting': true,
  'aws:cdk:bundling-stacks': ['**'],
  '@aws-cdk/core:failSynthOnValidationErrors': false,
};

/** Import i reads its own event data store: N distinct stores, by ARN. */
export function storeArn(i: number): string {
  return `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:eventdatastore/${storeId(i)}`;
}

function storeId(i: number): string {
  return `0b4f7f2a-7a4d-4d4e-9c1e-${String(i).padStart(12, '0')}`;
}

/** The library: N EventDataStoreImports with their defaults (shared role, RETAIN, no waiting). */
function libraryImports(stack: Stack, n: number, removalPolicy?: RemovalPolicy): void {
  for (let i = 0; i < n; i++) {
    new EventDataStoreImport(stack, `Import${i}`, {
      source: ImportSource.fromEventDataStoreArn(storeArn(i)),
      timeRange: ImportTimeRange.between(WINDOW_START, WINDOW_END),
      removalPolicy,
    });
  }
}

/**
 * Without the library: for each import, a role with the AWS documentation's example policy
 * (inline, the most compact way to write it) and an AwsCustomResource that calls
 * CreateImportTask once, on create.
 */
function baselineImports(stack: Stack, n: number): void {
  for (let i = 0; i < n; i++) {
    const role = new iam.Role(stack, `ImportRole${i}`, {
      assumedBy: new iam.ServicePrincipal('cloudtrail.amazonaws.com'),
      inlinePolicies: {
        Import: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({ actions: ['cloudtrail:GetEventDataStoreData'], resources: [storeArn(i)] }),
            new iam.PolicyStatement({
              actions: ['logs:CreateImportTask', 'logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutResourcePolicy'],
              resources: [`arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/cloudtrail/*`],
            }),
            // The stores have no customer managed key: no KMS statement.
          ],
        }),
      },
    });
    new cr.AwsCustomResource(stack, `Import${i}`, {
      onCreate: {
        service: 'CloudWatchLogs',
        action: 'createImportTask',
        parameters: {
          importSourceArn: storeArn(i),
          importRoleArn: role.roleArn,
          importFilter: { startEventTime: WINDOW_START.getTime(), endEventTime: WINDOW_END.getTime() },
        },
        physicalResourceId: cr.PhysicalResourceId.fromResponse('importId'),
      },
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({ actions: ['logs:CreateImportTask'], resources: ['*'] }),
        new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: [role.roleArn] }),
      ]),
      // The Lambda runtime's built-in SDK may predate CreateImportTask (FACTS.md): a user must ask for the latest.
      installLatestAwsSdk: true,
    });
  }
}

/**
 * aws-cdk-lib loads most of its modules lazily, on first use: part of a first synth in a process
 * is loading code. To tell that part apart, count the time spent in top-level `require` calls.
 */
const moduleLoad = { depth: 0, ms: 0 };
const originalLoad = (Module as any)._load;
(Module as any)._load = function load(this: unknown, ...args: unknown[]) {
  const started = moduleLoad.depth === 0 ? performance.now() : 0;
  moduleLoad.depth++;
  try {
    return originalLoad.apply(this, args);
  } finally {
    moduleLoad.depth--;
    if (moduleLoad.depth === 0) moduleLoad.ms += performance.now() - started;
  }
};

export interface SynthOnceResult {
  /** Wall time of new App() through app.synth(). */
  readonly synthMs: number;
  /** CPU time (user + system) of the same. */
  readonly cpuMs: number;
  /** Of synthMs: time spent loading modules (aws-cdk-lib's lazy requires). */
  readonly requireMs: number;
  /** Modules loaded during the timed section. */
  readonly modulesLoaded: number;
  /** Which aws-cdk-lib submodules (e.g. `aws-stepfunctions`) those modules belong to. */
  readonly moduleAreas: string[];
  readonly templateFile: string;
}

/** Builds and synthesizes one app; returns the synth time and the template's path. */
export function synthOnce(side: Side, n: number, outdir: string): SynthOnceResult {
  const modulesBefore = new Set(Object.keys(require.cache));
  moduleLoad.ms = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const app = new App({ outdir, context: CLI_CONTEXT });
  const stack = new Stack(app, STACK_NAME, { env: { account: ACCOUNT, region: REGION } });
  if (side === 'baseline') baselineImports(stack, n);
  else libraryImports(stack, n, side === 'library-destroy' ? RemovalPolicy.DESTROY : undefined);
  const assembly = app.synth();
  const synthMs = performance.now() - started;
  const { user, system } = process.cpuUsage(cpu);
  const loaded = Object.keys(require.cache).filter((m) => !modulesBefore.has(m));
  return {
    synthMs,
    cpuMs: (user + system) / 1000,
    requireMs: moduleLoad.ms,
    modulesLoaded: loaded.length,
    moduleAreas: [...new Set(loaded.map(areaOf))].sort(),
    templateFile: path.join(assembly.directory, assembly.getStackByName(STACK_NAME).templateFile),
  };
}

/** `.../node_modules/aws-cdk-lib/aws-stepfunctions/lib/x.js` -> `aws-cdk-lib/aws-stepfunctions`. */
function areaOf(modulePath: string): string {
  const parts = modulePath.split(path.sep);
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) return 'the app';
  const pkg = parts[at + 1].startsWith('@') ? parts.slice(at + 1, at + 3) : parts.slice(at + 1, at + 2);
  const sub = pkg[0] === 'aws-cdk-lib' ? parts[at + 2] : undefined;
  return sub && !sub.endsWith('.js') ? `${pkg.join('/')}/${sub}` : pkg.join('/');
}

if (require.main === module) {
  const [side, n, outdir] = process.argv.slice(2);
  if (!SIDES.includes(side) || !Number.isInteger(Number(n)) || !outdir) {
    console.error(`usage: synth-app.ts <${SIDES.join('|')}> <N> <outdir>`);
    process.exit(2);
  }
  const result = synthOnce(side as Side, Number(n), outdir);
  process.stdout.write(JSON.stringify({ side, n: Number(n), ...result }) + '\n');
}
