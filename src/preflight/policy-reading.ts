/**
 * Reading IAM policy documents (identity, trust and key policies) without a policy engine: which
 * statements name an action and a principal. Used where AWS offers no simulation: key policies
 * and trust policies, whose principal is a service or an account, not a role.
 */

/** One statement of a policy document, as far as preflight reads it. */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect?: string;
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: string | string[];
  readonly Principal?: '*' | Record<string, string | string[]>;
  readonly Condition?: Record<string, unknown>;
}

export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement?: PolicyStatement | PolicyStatement[];
}

/** How a policy treats one action for one principal. */
export type Grant = 'allowed' | 'allowed-with-conditions' | 'denied' | 'missing';

export function statementsOf(policy: PolicyDocument | undefined): PolicyStatement[] {
  const statements = policy?.Statement;
  if (statements === undefined) return [];
  return Array.isArray(statements) ? statements : [statements];
}

function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** IAM's wildcard match (`*` and `?`), case-insensitive as action names are. */
export function wildcardMatches(pattern: string, value: string): boolean {
  const regex = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${regex}$`, 'i').test(value);
}

/** Whether the statement covers `action` (through Action, or through NotAction leaving it out). */
export function coversAction(statement: PolicyStatement, action: string): boolean {
  if (statement.Action !== undefined) return asList(statement.Action).some((p) => wildcardMatches(p, action));
  if (statement.NotAction !== undefined) return !asList(statement.NotAction).some((p) => wildcardMatches(p, action));
  return false;
}

/** Whether the statement's Principal names the service (e.g. `cloudtrail.amazonaws.com`), or everyone. */
export function namesService(statement: PolicyStatement, service: string): boolean {
  const principal = statement.Principal;
  if (principal === '*') return true;
  return asList(principal?.Service).includes(service) || asList(principal?.AWS).includes('*');
}

/** Whether the statement's Principal is the account itself (`arn:<partition>:iam::<account>:root` or the bare ID). */
export function namesAccountRoot(statement: PolicyStatement, account: string): boolean {
  return asList(statement.Principal === '*' ? undefined : statement.Principal?.AWS)
    .some((p) => p === account || /^arn:aws[a-z-]*:iam::(\d{12}):root$/.exec(p)?.[1] === account);
}

/** How `policy` treats `action` for the principals `isPrincipal` accepts: an unconditional Deny wins. */
export function grantOf(policy: PolicyDocument | undefined, action: string, isPrincipal: (s: PolicyStatement) => boolean): Grant {
  const relevant = statementsOf(policy).filter((s) => isPrincipal(s) && coversAction(s, action));
  if (relevant.some((s) => s.Effect === 'Deny' && s.Condition === undefined)) return 'denied';
  const allows = relevant.filter((s) => s.Effect === 'Allow');
  if (allows.some((s) => s.Condition === undefined)) return 'allowed';
  return allows.length > 0 ? 'allowed-with-conditions' : 'missing';
}

/** Parses a policy document given as JSON text (IAM returns trust policies URL-encoded). */
export function parsePolicy(text: string | undefined): PolicyDocument | undefined {
  if (text === undefined) return undefined;
  const json = text.trimStart().startsWith('{') ? text : decodeURIComponent(text);
  return JSON.parse(json) as PolicyDocument;
}
