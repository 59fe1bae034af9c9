/**
 * Where the templates come from: a synthesized cloud assembly (`cdk.out`), or a deployed stack
 * (CloudFormation GetTemplate, ListStackResources for the physical IDs, DescribeStacks for its
 * account, region and parameters).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CloudFormationClient,
  DescribeStacksCommand,
  GetTemplateCommand,
  ListStackResourcesCommand,
  StackResourceSummary,
} from '@aws-sdk/client-cloudformation';
import { Template } from './intrinsics';
import { IMPORT_RESOURCE_TYPE } from './template-reading';
import { errorMessage, errorName } from '../shared/aws-errors';
import { paginate } from '../status/collect';

/** One stack to check. */
export interface StackUnderCheck {
  readonly stackName: string;
  readonly template: Template;
  /** From the stack's environment; undefined for an environment-agnostic stack. */
  readonly account?: string;
  readonly region?: string;
  /** Logical ID to physical ID (a deployed stack's resources). */
  readonly physicalIds: ReadonlyMap<string, string>;
  readonly parameters?: ReadonlyMap<string, string>;
  /** True for `--stack`: the resources exist. */
  readonly deployed: boolean;
}

/** A problem with the input itself: one line, exit code 2. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

interface ManifestArtifact {
  readonly type: string;
  readonly environment?: string;
  readonly properties?: { readonly templateFile?: string; readonly stackName?: string; readonly directoryName?: string };
}

/** The stacks of the assembly (and of its nested assemblies, i.e. stages) that declare imports. */
export function stacksOfAssembly(directory: string): StackUnderCheck[] {
  const manifestFile = path.join(directory, 'manifest.json');
  if (!fs.existsSync(manifestFile)) {
    throw new InputError(`${directory} is not a cloud assembly (no manifest.json): run \`cdk synth\` first, or name the directory (\`preflight <dir>\`), or check a deployed stack with --stack.`);
  }
  const artifacts = (readJson(manifestFile) as { artifacts?: Record<string, ManifestArtifact> }).artifacts ?? {};
  return Object.entries(artifacts).flatMap(([id, artifact]) => {
    if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
      return stacksOfAssembly(path.join(directory, artifact.properties.directoryName));
    }
    if (artifact.type !== 'aws:cloudformation:stack' || !artifact.properties?.templateFile) return [];
    const template = readJson(path.join(directory, artifact.properties.templateFile)) as Template;
    return declaresImports(template) ? [assemblyStack(artifact.properties.stackName ?? id, template, artifact.environment)] : [];
  });
}

function assemblyStack(stackName: string, template: Template, environment: string | undefined): StackUnderCheck {
  // aws://<account>/<region>, with unknown-account / unknown-region for an environment-agnostic stack.
  const [, account, region] = /^aws:\/\/([^/]*)\/(.*)$/.exec(environment ?? '') ?? [];
  return {
    stackName,
    template,
    account: /^\d{12}$/.test(account ?? '') ? account : undefined,
    region: region && region !== 'unknown-region' ? region : undefined,
    physicalIds: new Map(),
    deployed: false,
  };
}

function declaresImports(template: Template): boolean {
  return Object.values(template.Resources ?? {}).some((r) => r.Type === IMPORT_RESOURCE_TYPE);
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError(`Cannot read ${file}: ${errorMessage(e)}`);
  }
}

/** A deployed stack: its template as deployed, its physical IDs, account, region and parameters. */
export async function deployedStack(cloudFormation: CloudFormationClient, stackName: string): Promise<StackUnderCheck> {
  const stack = await describeStack(cloudFormation, stackName);
  const body = (await cloudFormation.send(new GetTemplateCommand({ StackName: stackName, TemplateStage: 'Original' }))).TemplateBody ?? '{}';
  let template: Template;
  try {
    template = JSON.parse(body) as Template;
  } catch {
    throw new InputError(`The template of stack ${stackName} is not JSON (a YAML template?): synthesize the app and check the assembly instead.`);
  }
  const [, region, account] = /^arn:[^:]+:cloudformation:([^:]+):(\d{12}):/.exec(stack.StackId ?? '') ?? [];
  return {
    stackName,
    template,
    account,
    region,
    physicalIds: physicalIdsOf(await stackResources(cloudFormation, stackName)),
    parameters: new Map((stack.Parameters ?? []).map((p) => [p.ParameterKey ?? '', p.ResolvedValue ?? p.ParameterValue ?? ''])),
    deployed: true,
  };
}

async function describeStack(cloudFormation: CloudFormationClient, stackName: string) {
  try {
    const stack = (await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0];
    if (stack) return stack;
  } catch (e) {
    if (!isMissingStack(e)) throw e;
  }
  throw new InputError(`Stack ${stackName} does not exist in this account and region (use --region, or check the assembly instead).`);
}

function isMissingStack(e: unknown): boolean {
  return errorName(e) === 'ValidationError' && /does not exist/i.test(errorMessage(e));
}

async function stackResources(cloudFormation: CloudFormationClient, stackName: string): Promise<StackResourceSummary[]> {
  const resources: StackResourceSummary[] = [];
  await paginate(async (nextToken) => {
    const page = await cloudFormation.send(new ListStackResourcesCommand({ StackName: stackName, NextToken: nextToken }));
    resources.push(...(page.StackResourceSummaries ?? []));
    return page.NextToken;
  });
  return resources;
}

function physicalIdsOf(resources: readonly StackResourceSummary[]): Map<string, string> {
  return new Map(resources.filter((r) => r.LogicalResourceId && r.PhysicalResourceId)
    .map((r) => [r.LogicalResourceId!, r.PhysicalResourceId!]));
}

/**
 * The imports already deployed under this stack name, logical to physical ID (for an assembly: so
 * that a redeploy's own imports neither count as new nor as overlaps). None when the stack does not
 * exist or cannot be read.
 */
export async function deployedImports(cloudFormation: CloudFormationClient, stackName: string): Promise<Map<string, string>> {
  try {
    return physicalIdsOf((await stackResources(cloudFormation, stackName)).filter((r) => r.ResourceType === IMPORT_RESOURCE_TYPE));
  } catch {
    return new Map();
  }
}
