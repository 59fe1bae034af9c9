/**
 * Synth benchmarks: the library's N imports against the same N imports written by hand
 * (see synth-app.ts), for each N. Every timed run is a fresh Node.js process that builds a
 * fresh App and calls app.synth(); the template of each (side, N) is then measured.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Side, SynthOnceResult } from './synth-app';
import { runTsChild, summarize, Summary } from './util';

/** The two sides that are timed against each other. */
export const SIDES: readonly Side[] = ['library', 'baseline'];

/** CloudFormation's limits (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html). */
export const CFN_LIMITS = {
  /** Template body in an S3 object (what the CDK CLI uploads to the bootstrap bucket; aws-cdk-lib checks the same 1,000,000). */
  templateBytesS3: 1_000_000,
  /** Template body passed directly in the request (TemplateBody). */
  templateBytesDirect: 51_200,
  resources: 500,
};

/** IAM quotas that the templates come close to (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html). */
export const IAM_QUOTAS = {
  /** Aggregate size of all inline policies of one role, whitespace not counted. */
  inlineCharsPerRole: 10_240,
  /** Managed policies attached to one role (default; adjustable up to 20). */
  managedPoliciesPerRole: 10,
};

/** What one template declares. */
export interface TemplateMetrics {
  readonly bytes: number;
  readonly resources: number;
  readonly lambdaFunctions: number;
  /** Policy statements (AWS::IAM::Policy, ManagedPolicy, Role inline policies) with `*` anywhere in Resource. */
  readonly statementsWithWildcard: number;
  /** Of those, statements with a Resource that is exactly `*`. */
  readonly statementsOnStar: number;
  readonly statements: number;
  readonly resourcesByType: Record<string, number>;
  /** Bytes of the template taken by each resource type (as the template file indents them). */
  readonly bytesByType: Record<string, number>;
  /** The role with the largest aggregate inline policy size (estimated: tokens counted as ARNs), and that size. */
  readonly largestInlinePolicyChars: { role: string; chars: number };
  /** The role with the most managed policies attached, and how many. */
  readonly mostManagedPolicies: { role: string; count: number };
}

export interface SynthCase {
  readonly side: Side;
  readonly n: number;
  /** Wall time of new App() through app.synth(), one sample per fresh process. */
  readonly synthMs: Summary;
  readonly samplesMs: number[];
  /** CPU time (user + system, all threads) of the same section. */
  readonly cpuMs: Summary;
  /** Of the wall time: loading modules (aws-cdk-lib loads most lazily, on first use). */
  readonly requireMs: Summary;
  /** Modules loaded during the timed section (median). */
  readonly modulesLoaded: number;
  /** Packages and aws-cdk-lib submodules those modules belong to (first run). */
  readonly moduleAreas: string[];
  readonly template: TemplateMetrics;
}

export interface SynthOptions {
  readonly counts: number[];
  readonly runs: number;
  readonly log: (line: string) => void;
}

type Sample = Omit<SynthOnceResult, 'templateFile'>;

/**
 * Runs `runs` rounds; in each round every (N, side) pair is synthesized once, in a fresh process.
 * The two sides alternate which goes first, so that drift in machine load hits both alike.
 * One untimed warm-up process per side comes first (file-system cache, ts-node cache).
 */
export function runSynthBenchmarks(options: SynthOptions): SynthCase[] {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'edsi-bench-'));
  try {
    for (const side of SIDES) synthInChild(side, 1, work);

    const samples = new Map<string, Sample[]>();
    const templates = new Map<string, TemplateMetrics>();
    for (let round = 0; round < options.runs; round++) {
      for (const n of options.counts) {
        const order = round % 2 === 0 ? SIDES : [...SIDES].reverse();
        for (const side of order) {
          const key = `${side}:${n}`;
          const { sample, metrics } = synthInChild(side, n, work);
          samples.set(key, [...(samples.get(key) ?? []), sample]);
          const previous = templates.get(key);
          if (previous && previous.bytes !== metrics.bytes) {
            throw new Error(`${key}: the template changed between runs (${previous.bytes} then ${metrics.bytes} bytes): `
              + 'synth is not deterministic, or src/ changed during the run');
          }
          templates.set(key, metrics);
          options.log(`synth round ${round + 1}/${options.runs} ${side.padEnd(8)} N=${String(n).padStart(3)}: `
            + `${sample.synthMs.toFixed(0)} ms (CPU ${sample.cpuMs.toFixed(0)} ms, loading modules ${sample.requireMs.toFixed(0)} ms)`);
        }
      }
    }
    return options.counts.flatMap((n) => SIDES.map((side) => {
      const key = `${side}:${n}`;
      const runs = samples.get(key)!;
      const ms = runs.map((r) => r.synthMs);
      return {
        side,
        n,
        synthMs: summarize(ms),
        samplesMs: ms,
        cpuMs: summarize(runs.map((r) => r.cpuMs)),
        requireMs: summarize(runs.map((r) => r.requireMs)),
        modulesLoaded: summarize(runs.map((r) => r.modulesLoaded)).median,
        moduleAreas: runs[0].moduleAreas,
        template: templates.get(key)!,
      };
    }));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Templates only (one untimed synth per N) of a variant of a side, e.g. the library under
 * RemovalPolicy.DESTROY.
 */
export function measureVariant(side: Side, counts: number[]): Array<{ n: number; template: TemplateMetrics }> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'edsi-bench-'));
  try {
    return counts.map((n) => ({ n, template: synthInChild(side, n, work).metrics }));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function synthInChild(side: Side, n: number, work: string): { sample: Sample; metrics: TemplateMetrics } {
  const outdir = fs.mkdtempSync(path.join(work, `${side}-${n}-`));
  try {
    const { templateFile, ...sample } = runTsChild<SynthOnceResult>('synth-app.ts', [side, String(n), outdir]);
    return { sample, metrics: measureTemplate(templateFile) };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

// ---- template metrics ----

export function measureTemplate(templateFile: string): TemplateMetrics {
  const bytes = fs.statSync(templateFile).size;
  const template = JSON.parse(fs.readFileSync(templateFile, 'utf8'));
  const resources: Record<string, any> = template.Resources ?? {};
  const resourcesByType: Record<string, number> = {};
  const bytesByType: Record<string, number> = {};
  for (const r of Object.values(resources)) {
    resourcesByType[r.Type] = (resourcesByType[r.Type] ?? 0) + 1;
    bytesByType[r.Type] = (bytesByType[r.Type] ?? 0) + Buffer.byteLength(JSON.stringify(r, undefined, 1));
  }

  let statements = 0;
  let statementsWithWildcard = 0;
  let statementsOnStar = 0;
  for (const statement of allStatements(resources)) {
    statements++;
    const targets: unknown[] = ([] as unknown[]).concat(statement.Resource ?? []);
    if (targets.some((t) => JSON.stringify(t).includes('*'))) statementsWithWildcard++;
    if (targets.some((t) => t === '*')) statementsOnStar++;
  }

  return {
    bytes,
    resources: Object.keys(resources).length,
    lambdaFunctions: resourcesByType['AWS::Lambda::Function'] ?? 0,
    statementsWithWildcard,
    statementsOnStar,
    statements,
    resourcesByType,
    bytesByType,
    largestInlinePolicyChars: largestInlinePolicies(resources),
    mostManagedPolicies: mostManagedPolicies(resources),
  };
}

/** Every identity-policy statement: AWS::IAM::Policy, AWS::IAM::ManagedPolicy, and AWS::IAM::Role inline policies. */
function allStatements(resources: Record<string, any>): any[] {
  const documents: any[] = [];
  for (const r of Object.values(resources)) {
    if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') documents.push(r.Properties.PolicyDocument);
    if (r.Type === 'AWS::IAM::Role') documents.push(...(r.Properties.Policies ?? []).map((p: any) => p.PolicyDocument));
  }
  return documents.flatMap((d) => ([] as any[]).concat(d?.Statement ?? []));
}

/** Logical IDs of the roles a policy resource names in `Roles` (as `{ Ref }`). */
function rolesOf(policy: any): string[] {
  return (policy.Properties.Roles ?? []).map((r: any) => r?.Ref).filter((id: unknown): id is string => typeof id === 'string');
}

/**
 * Aggregate inline policy size per role: the role's own `Policies` plus every AWS::IAM::Policy
 * attached to it (AWS::IAM::Policy is an inline policy). IAM does not count whitespace; tokens
 * are counted at the length of what they resolve to (estimated, see estimateString).
 */
function largestInlinePolicies(resources: Record<string, any>): { role: string; chars: number } {
  const chars = new Map<string, number>();
  const add = (role: string, document: unknown) => chars.set(role, (chars.get(role) ?? 0) + estimateString(document).length);
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type === 'AWS::IAM::Role') for (const p of r.Properties.Policies ?? []) add(id, p.PolicyDocument);
    if (r.Type === 'AWS::IAM::Policy') for (const role of rolesOf(r)) add(role, r.Properties.PolicyDocument);
  }
  return maxEntry(chars, (role, n) => ({ role, chars: n })) ?? { role: '-', chars: 0 };
}

function mostManagedPolicies(resources: Record<string, any>): { role: string; count: number } {
  const counts = new Map<string, number>();
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type === 'AWS::IAM::Role') counts.set(id, (counts.get(id) ?? 0) + (r.Properties.ManagedPolicyArns ?? []).length);
    if (r.Type === 'AWS::IAM::ManagedPolicy') for (const role of rolesOf(r)) counts.set(role, (counts.get(role) ?? 0) + 1);
  }
  return maxEntry(counts, (role, count) => ({ role, count })) ?? { role: '-', count: 0 };
}

function maxEntry<T>(map: Map<string, number>, make: (key: string, value: number) => T): T | undefined {
  let best: [string, number] | undefined;
  for (const entry of map) if (!best || entry[1] > best[1]) best = entry;
  return best ? make(best[0], best[1]) : undefined;
}

/** A role ARN with a CloudFormation-generated name is at most about this long (31 + 64). */
const ESTIMATED_ARN_CHARS = 95;
const PSEUDO: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': 'us-east-1',
  'AWS::AccountId': '111111111111',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'Bench',
};

/** A policy document as IAM would count it: compact JSON with every token replaced by a string of its likely length. */
function estimateString(value: unknown): string {
  return JSON.stringify(resolveEstimate(value));
}

function resolveEstimate(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(resolveEstimate);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [key, arg] = entries[0];
    if (key === 'Ref') return PSEUDO[arg as string] ?? 'x'.repeat(64);
    if (key === 'Fn::GetAtt') return 'x'.repeat(ESTIMATED_ARN_CHARS);
    if (key === 'Fn::Join') {
      const [sep, parts] = arg as [string, unknown[]];
      return parts.map((p) => { const r = resolveEstimate(p); return typeof r === 'string' ? r : JSON.stringify(r); }).join(sep);
    }
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, resolveEstimate(v)]));
}
