/**
 * What every check of one stack shares: where it deploys, the template, the clients (absent when
 * preflight cannot call AWS for this stack, with the reason), and how a failed call reads.
 */
import { PreflightClients } from './clients';
import { StackUnderCheck } from './input';
import { TemplateResolver } from './intrinsics';
import { CheckResult, couldNotCheck } from './report';
import { PolicySimulator } from './simulation';
import { TemplateRole } from './template-reading';
import { classifyError, errorMessage, errorName } from '../shared/aws-errors';

export interface StackContext {
  readonly stack: StackUnderCheck;
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly resolver: TemplateResolver;
  readonly roles: readonly TemplateRole[];
  /** Undefined when AWS cannot be asked about this stack; `offlineReason` says why. */
  readonly clients?: PreflightClients;
  readonly offlineReason: string;
  /** Clock, epoch milliseconds. */
  readonly now: number;
  /** One simulator per role ARN, shared by the stack's imports. */
  readonly simulators: Map<string, PolicySimulator>;
}

/** A check that needed AWS while preflight could not reach it for this stack. */
export function offline(ctx: StackContext, id: string, title: string): CheckResult {
  return couldNotCheck(id, title, ctx.offlineReason, 'Fix what stopped preflight from calling AWS (see the account checks above), then run it again.');
}

/** A check whose call failed: it says which call, what AWS said, and which permission preflight needs. */
export function callFailed(id: string, title: string, call: string, permission: string, error: unknown): CheckResult {
  const said = `${call} failed: ${errorName(error)}: ${errorMessage(error)}`;
  const fix = classifyError(error) === 'permissions'
    ? `Run preflight with credentials that may ${permission}.`
    : 'Check the credentials, the region and the network, and run preflight again.';
  return couldNotCheck(id, title, said, fix);
}

/** The part of an ARN after the last `/` (a role's name, a store's ID). */
export function lastPathSegment(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}
