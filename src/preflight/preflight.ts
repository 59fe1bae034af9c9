/**
 * Runs every check for one stack: first the account (credentials, running imports), then each
 * declared import in order (store, key, roles, overlaps). Checks that need AWS turn into
 * could-not-check when the credentials cannot be used for the stack's account.
 */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { PreflightClients } from './clients';
import { StackContext } from './context';
import { checkHandlerRole, checkImportRole } from './iam-checks';
import { activeImportsCheck, importsToStart, overlapCheck } from './import-checks';
import { deployedImports, StackUnderCheck } from './input';
import { TemplateResolver, unresolved } from './intrinsics';
import { checkKey } from './key-checks';
import { checkMigrationImport, organizationRuleChecks, ruleConflictChecks } from './migration-checks';
import { CheckResult, couldNotCheck, ImportReport, pass, StackReport } from './report';
import { checkStore } from './store-checks';
import { DeclaredImport, declaredImports, templateRoles } from './template-reading';
import { credentialProblem, errorMessage, errorName } from '../shared/aws-errors';

export interface CheckOptions {
  /** The region the clients use (the stack's, or the configured one). */
  readonly region: string;
  /** Clock, epoch milliseconds. */
  readonly now: number;
  /** The --profile given, for messages. */
  readonly profile?: string;
}

/** The credentials cannot sign or are rejected: the command stops with this one line (it has the fix). */
export class CredentialsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CredentialsError';
  }
}

interface Caller {
  readonly account?: string;
  readonly partition: string;
  /** Set when the credentials cannot be used for this stack. */
  readonly problem?: string;
}

export async function checkStack(stack: StackUnderCheck, clients: PreflightClients, options: CheckOptions): Promise<StackReport> {
  const caller = await callerOf(clients, stack.account, options.profile);
  const knownAccount = stack.account ?? caller.account;
  // Unknown (no usable credentials, environment-agnostic stack): the ARNs built with it stay unresolved.
  const account = knownAccount ?? unresolved('AWS::AccountId');
  const resolver = new TemplateResolver(stack.template, {
    partition: caller.partition, region: options.region, account, physicalIds: stack.physicalIds, parameters: stack.parameters,
  });
  const ctx: StackContext = {
    stack,
    partition: caller.partition,
    region: options.region,
    account,
    resolver,
    roles: templateRoles(resolver),
    clients: caller.problem ? undefined : clients,
    offlineReason: caller.problem ?? '',
    now: options.now,
    simulators: new Map(),
  };
  const imports = declaredImports(resolver, await importPhysicalIds(ctx));
  const ownImportIds = new Set(imports.map((i) => i.physicalId).filter((id): id is string => id !== undefined));

  const checks = [
    credentialsCheck(caller, account),
    await activeImportsCheck(ctx, importsToStart(imports).length),
    ...organizationRuleChecks(ctx, caller.account),
    ...await ruleConflictChecks(ctx),
  ];
  const reports: ImportReport[] = [];
  for (const imp of imports) {
    reports.push({ logicalId: imp.logicalId, sourceArn: imp.sourceArn, checks: await checkImport(ctx, imp, ownImportIds, imports) });
  }
  return { stackName: stack.stackName, account: knownAccount ?? 'unknown', region: options.region, checks, imports: reports };
}

async function checkImport(
  ctx: StackContext, imp: DeclaredImport, ownImportIds: ReadonlySet<string>, imports: readonly DeclaredImport[],
): Promise<CheckResult[]> {
  const { checks, store } = await checkStore(ctx, imp);
  // Without a usable ARN, or for a store known not to exist, the other checks would only repeat that.
  if (!store || store.missing) return checks;
  const key = store.kmsKeyId ? await checkKey(ctx, store.kmsKeyId) : { checks: [], keyArn: undefined };
  return [
    ...checks,
    ...key.checks,
    ...await checkImportRole(ctx, imp, store, key.keyArn),
    ...await checkHandlerRole(ctx, imp, store),
    await overlapCheck(ctx, imp, store, ownImportIds),
    // A CloudTrailLakeMigration's import: its telemetry rule, the store's ingestion, the orchestrator's permissions.
    ...await checkMigrationImport(ctx, imp, store, imports),
  ];
}

/** A deployed stack's physical IDs; for an assembly, those of its imports if a stack of that name is deployed (a redeploy). */
async function importPhysicalIds(ctx: StackContext): Promise<ReadonlyMap<string, string>> {
  if (ctx.stack.deployed || !ctx.clients) return ctx.stack.physicalIds;
  return deployedImports(ctx.clients.cloudFormation, ctx.stack.stackName);
}

async function callerOf(clients: PreflightClients, stackAccount: string | undefined, profile: string | undefined): Promise<Caller> {
  let arn: string | undefined;
  let account: string | undefined;
  try {
    ({ Arn: arn, Account: account } = await clients.sts.send(new GetCallerIdentityCommand({})));
  } catch (e) {
    // No credentials, or credentials AWS rejects: every check that calls AWS would fail the same way.
    const credentials = credentialProblem(e, profile);
    if (credentials) throw new CredentialsError(credentials);
    return { partition: 'aws', problem: `the credentials cannot be used (GetCallerIdentity failed: ${errorName(e)}: ${errorMessage(e)})` };
  }
  const partition = /^arn:([^:]+):/.exec(arn ?? '')?.[1] ?? 'aws';
  if (stackAccount !== undefined && account !== stackAccount) {
    return { account, partition, problem: `the credentials are for account ${account}, the stack deploys to ${stackAccount}` };
  }
  return { account, partition };
}

function credentialsCheck(caller: Caller, account: string): CheckResult {
  const title = 'the credentials are for the stack\'s account';
  if (caller.problem) {
    return couldNotCheck('credentials', title, caller.problem, 'Use credentials of the stack\'s account (--profile, AWS_PROFILE, `aws sso login`) and run preflight again.');
  }
  return pass('credentials', title, `account ${account}`);
}
