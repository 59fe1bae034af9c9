/**
 * The store's customer managed KMS key: CloudTrail must be allowed to use and describe it, and the
 * key policy must delegate to IAM, or the roles' IAM grants on the key count for nothing (KMS
 * GetKeyPolicy and DescribeKey; the template's KeyPolicy for a key that the deployment creates).
 */
import { DescribeKeyCommand, GetKeyPolicyCommand, KeyMetadata } from '@aws-sdk/client-kms';
import { callFailed, offline, StackContext } from './context';
import { isResolved } from './intrinsics';
import { grantOf, namesAccountRoot, namesService, parsePolicy, PolicyDocument } from './policy-reading';
import { CheckResult, couldNotCheck, fail, pass, warn } from './report';
import { keyInTemplate } from './template-reading';

/** What CloudTrail's user guide lists for an event data store's key. */
export const CLOUDTRAIL_KEY_ACTIONS = ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'];

const KEY_POLICY_CLOUDTRAIL = 'the key policy lets cloudtrail.amazonaws.com use and describe the key';
const KEY_POLICY_IAM = 'the key policy delegates to IAM';

export interface KeyCheckResults {
  readonly checks: CheckResult[];
  /** The key's ARN, for the roles' KMS permissions; undefined when not known. */
  readonly keyArn?: string;
}

export async function checkKey(ctx: StackContext, kmsKeyId: string): Promise<KeyCheckResults> {
  if (!isResolved(kmsKeyId)) {
    return { checks: [couldNotCheck('key-policy', 'the store\'s KMS key', 'the store\'s KmsKeyId is a value preflight cannot resolve', 'Check the key policy by hand.')] };
  }
  const logicalId = keyInTemplate(ctx.resolver, kmsKeyId);
  if (logicalId !== undefined && !ctx.resolver.exists(logicalId)) return plannedKeyChecks(ctx, logicalId);
  return liveKeyChecks(ctx, kmsKeyId);
}

/** A key of the template that the deployment creates: its KeyPolicy is what it will have. */
function plannedKeyChecks(ctx: StackContext, logicalId: string): KeyCheckResults {
  const keyPolicy = ctx.resolver.resources[logicalId].Properties?.KeyPolicy;
  // Without a KeyPolicy, CloudFormation gives the key KMS's default policy: the account, kms:*.
  const policy = keyPolicy === undefined ? defaultKeyPolicy(ctx.partition, ctx.account) : ctx.resolver.resolve(keyPolicy) as PolicyDocument;
  return { checks: keyPolicyChecks(policy, ctx.account), keyArn: ctx.resolver.getAtt(logicalId, 'Arn') };
}

async function liveKeyChecks(ctx: StackContext, kmsKeyId: string): Promise<KeyCheckResults> {
  if (!ctx.clients) return { checks: [offline(ctx, 'key-policy', 'the store\'s KMS key')] };
  let metadata: KeyMetadata | undefined;
  try {
    metadata = (await ctx.clients.kms.send(new DescribeKeyCommand({ KeyId: kmsKeyId }))).KeyMetadata;
  } catch (e) {
    return { checks: [callFailed('key-policy', 'the store\'s KMS key', 'DescribeKey', `kms:DescribeKey on ${kmsKeyId}`, e)] };
  }
  const keyArn = metadata?.Arn ?? kmsKeyId;
  const state = keyStateCheck(keyArn, metadata?.KeyState);
  let policyText: string | undefined;
  try {
    policyText = (await ctx.clients.kms.send(new GetKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default' }))).Policy;
  } catch (e) {
    return { checks: [state, callFailed('key-policy', KEY_POLICY_CLOUDTRAIL, 'GetKeyPolicy', `kms:GetKeyPolicy on ${keyArn}`, e)], keyArn };
  }
  return { checks: [state, ...keyPolicyChecks(parsePolicy(policyText), metadata?.AWSAccountId ?? ctx.account)], keyArn };
}

function keyStateCheck(keyArn: string, state: string | undefined): CheckResult {
  const title = 'the store\'s KMS key is enabled';
  if (state === 'Enabled') return pass('key-state', title, keyArn);
  return fail('key-state', title, `${keyArn} is ${state ?? 'in an unknown state'}`,
    'Enable the key (`aws kms enable-key`, or cancel its deletion): the store cannot be read without it.');
}

export function keyPolicyChecks(policy: PolicyDocument | undefined, keyAccount: string): CheckResult[] {
  return [cloudTrailCheck(policy), delegationCheck(policy, keyAccount)];
}

function cloudTrailCheck(policy: PolicyDocument | undefined): CheckResult {
  const grants = CLOUDTRAIL_KEY_ACTIONS.map((action) => ({ action, grant: grantOf(policy, action, (s) => namesService(s, 'cloudtrail.amazonaws.com')) }));
  const missing = grants.filter((g) => g.grant === 'missing' || g.grant === 'denied').map((g) => g.action);
  const conditional = grants.filter((g) => g.grant === 'allowed-with-conditions').map((g) => g.action);
  if (missing.length > 0) {
    return fail('key-policy-cloudtrail', KEY_POLICY_CLOUDTRAIL, `it does not allow ${missing.join(', ')} for cloudtrail.amazonaws.com`,
      `Add a key policy statement: {"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":${JSON.stringify(missing)},"Resource":"*"}.`);
  }
  if (conditional.length > 0) {
    return warn('key-policy-cloudtrail', KEY_POLICY_CLOUDTRAIL, `${conditional.join(', ')} only under conditions`,
      'CloudTrail does not support aws:SourceArn / aws:SourceAccount conditions in an event data store key\'s policy: make sure the conditions hold for the import.');
  }
  return pass('key-policy-cloudtrail', KEY_POLICY_CLOUDTRAIL, CLOUDTRAIL_KEY_ACTIONS.join(', '));
}

/** The roles' IAM grants on the key work only when the key policy gives the account kms:*. */
function delegationCheck(policy: PolicyDocument | undefined, keyAccount: string): CheckResult {
  const root = `arn:aws:iam::${keyAccount}:root`;
  if (grantOf(policy, 'kms:*', (s) => namesAccountRoot(s, keyAccount)) === 'allowed') {
    return pass('key-policy-iam', KEY_POLICY_IAM, `${root} may kms:*`);
  }
  return fail('key-policy-iam', KEY_POLICY_IAM, `it does not allow kms:* for ${root} without conditions, so the roles' IAM permissions on the key do not count`,
    `Add the default key policy statement: {"Effect":"Allow","Principal":{"AWS":"${root}"},"Action":"kms:*","Resource":"*"} (or name the import role in the key policy).`);
}

function defaultKeyPolicy(partition: string, account: string): PolicyDocument {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:${partition}:iam::${account}:root` }, Action: 'kms:*', Resource: '*' }] };
}
