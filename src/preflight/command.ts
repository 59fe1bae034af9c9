/**
 * `cdk-eventdatastore-import preflight [assembly]` and `preflight --stack NAME`: checks, with
 * read-only calls, everything the declared imports depend on, before (or after) the deploy.
 *
 * Exit codes: 0 every check passed (warnings allowed); 1 some check failed; 2 some check could not
 * be made (and none failed), or the input could not be read.
 */
import { Command, Option } from 'commander';
import { ClientPool, PreflightClientFactory, standardClients } from './clients';
import { deployedStack, InputError, StackUnderCheck, stacksOfAssembly } from './input';
import { checkStack, CredentialsError } from './preflight';
import { EXIT_COULD_NOT_CHECK, exitCodeOf, PreflightJson, renderChecklist, StackReport, toJson } from './report';
import { credentialProblem, errorMessage, errorName } from '../shared/aws-errors';
import { oneLine } from '../status/render';

/** Default assembly directory (what `cdk synth` writes). */
export const DEFAULT_ASSEMBLY = 'cdk.out';

export interface PreflightIo {
  readonly stdout: { write(chunk: string): boolean };
  readonly stderr: { write(chunk: string): boolean };
  /** Clock, epoch milliseconds. Default `Date.now`. */
  readonly now?: () => number;
  /** Makes the AWS clients for a region. Default: SDK clients with the standard chains. */
  readonly createPreflightClients?: PreflightClientFactory;
}

interface PreflightOptions {
  readonly stack?: string;
  readonly json?: boolean;
  readonly region?: string;
  readonly profile?: string;
}

/** Adds the subcommand to the CLI; `setExitCode` receives its exit code. */
export function addPreflightCommand(program: Command, io: PreflightIo, setExitCode: (code: number) => void): void {
  program.command('preflight')
    .description('Check, read-only, that the imports of a synthesized app (or a deployed stack) can run: stores, keys, roles, running imports.')
    .argument('[assembly]', `the synthesized cloud assembly (default ${DEFAULT_ASSEMBLY})`)
    .addOption(new Option('--stack <name>', 'check a deployed CloudFormation stack instead of an assembly'))
    .option('--json', 'print JSON (the PreflightJson shape) instead of the checklist')
    .option('--region <region>', 'AWS region, for --stack and environment-agnostic stacks (default: the standard chain)')
    .option('--profile <profile>', 'AWS profile from the shared config and credentials files')
    .addHelpText('after', [
      '',
      'Exit codes:',
      '  0  every check passed (warnings allowed)',
      '  1  some check failed: each failure says how to fix it',
      '  2  some check could not be made (none failed), or the input could not be read',
    ].join('\n'))
    .action(async (assembly: string | undefined, options: PreflightOptions) => {
      setExitCode(await runPreflight(assembly, options, io));
    });
}

async function runPreflight(assembly: string | undefined, options: PreflightOptions, io: PreflightIo): Promise<number> {
  if (assembly !== undefined && options.stack !== undefined) {
    return failWith(io, 'Give an assembly directory or --stack, not both.');
  }
  const pool = new ClientPool(io.createPreflightClients ?? standardClients(options.profile));
  const now = (io.now ?? Date.now)();
  try {
    const reports: StackReport[] = [];
    for (const { stack, region } of await stacksToCheck(assembly, options, pool)) {
      reports.push(await checkStack(stack, pool.forRegion(region), { region, now, profile: options.profile }));
    }
    const input: PreflightJson['input'] = options.stack !== undefined
      ? { kind: 'stack', name: options.stack }
      : { kind: 'assembly', name: assembly ?? DEFAULT_ASSEMBLY };
    io.stdout.write(options.json ? `${JSON.stringify(toJson(input, reports), null, 2)}\n` : renderChecklist(reports));
    return exitCodeOf(reports);
  } catch (e) {
    const known = e instanceof InputError || e instanceof CredentialsError ? e.message : credentialProblem(e, options.profile);
    return failWith(io, known ?? describeError(e));
  } finally {
    pool.destroy();
  }
}

interface StackTarget {
  readonly stack: StackUnderCheck;
  /** The region the stack is checked in: its own, or the configured one. */
  readonly region: string;
}

async function stacksToCheck(assembly: string | undefined, options: PreflightOptions, pool: ClientPool): Promise<StackTarget[]> {
  if (options.stack !== undefined) {
    const region = await configuredRegion(pool, options.region);
    const stack = await deployedStack(pool.forRegion(region).cloudFormation, options.stack);
    return [{ stack, region: stack.region ?? region }];
  }
  const directory = assembly ?? DEFAULT_ASSEMBLY;
  const stacks = stacksOfAssembly(directory);
  if (stacks.length === 0) throw new InputError(`No stack of ${directory} declares an import (Custom::EventDataStoreImport).`);
  const targets: StackTarget[] = [];
  for (const stack of stacks) {
    if (stack.region !== undefined && options.region !== undefined && stack.region !== options.region) {
      throw new InputError(`Stack ${stack.stackName} deploys to ${stack.region}: --region ${options.region} does not apply to it. Drop --region.`);
    }
    targets.push({ stack, region: stack.region ?? await configuredRegion(pool, options.region) });
  }
  return targets;
}

async function configuredRegion(pool: ClientPool, region: string | undefined): Promise<string> {
  if (region !== undefined) return region;
  try {
    return await pool.forRegion(undefined).sts.config.region();
  } catch {
    throw new InputError('No AWS region configured. Use --region, set AWS_REGION, or set a region in your AWS profile.');
  }
}

function describeError(e: unknown): string {
  const name = errorName(e);
  return name === 'Error' ? errorMessage(e) : `${name}: ${errorMessage(e)}`;
}

function failWith(io: PreflightIo, message: string): number {
  io.stderr.write(`error: ${oneLine(message)}\n`);
  return EXIT_COULD_NOT_CHECK;
}
