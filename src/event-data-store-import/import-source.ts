import { Arn, ArnFormat, Aws, CfnResource, Duration, Reference, Stack, Token, Tokenization } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/** Options for `ImportSource.fromEventDataStore`. */
export interface EventDataStoreSourceOptions {
  /**
   * The store's customer managed key, when its `kmsKeyId` cannot tell the construct which key it is
   * (for example a token from a parameter or an import), or to name the key object itself.
   *
   * @default - read from the store's `kmsKeyId`; no KMS permissions when it has none
   */
  readonly encryptionKey?: kms.IKey;
}

/** Options for `ImportSource.fromEventDataStoreArn`. */
export interface EventDataStoreArnSourceOptions {
  /**
   * The store's customer managed key. The import role gets `kms:Decrypt` and
   * `kms:GenerateDataKey` on it; a `kms.Key` defined in the app also gets a key policy statement
   * that allows `cloudtrail.amazonaws.com` those actions.
   *
   * @default - the store uses an AWS owned key: no KMS permissions
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * The store's retention period. At synth time, a lookback or a window longer than it is an
   * error (it can never fit), and a start older than it today is a warning.
   *
   * @default - unknown: the service checks the time range when the import runs
   */
  readonly retentionPeriod?: Duration;
}

/** KMS permissions an import needs for its source's key. @internal */
export interface KeyPermissions {
  /** Resources of the `kms:Decrypt` / `kms:GenerateDataKey` statement. */
  readonly resources: string[];
  /** Conditions (for keys known only by alias). */
  readonly conditions?: Record<string, Record<string, unknown>>;
  /** A key whose key policy the construct can extend (a `kms.Key` in the app). */
  readonly key?: kms.IKey;
  /** Why the construct guessed the key's form, when it had to. */
  readonly assumption?: string;
}

/** The source as the construct uses it. @internal */
export interface BoundImportSource {
  readonly eventDataStoreArn: string;
  readonly keyPermissions?: KeyPermissions;
  /** Known retention in days (may be a token); undefined when unknown. */
  readonly retentionDays?: number;
  /** Where `retentionDays` comes from, for messages ("the store's retentionPeriod"). */
  readonly retentionOrigin?: string;
}

/**
 * The CloudTrail Lake event data store an import reads from.
 */
export abstract class ImportSource {
  /**
   * An event data store defined in this app. Its ARN, `kmsKeyId` (key ID, key ARN, alias name or
   * alias ARN) and retention period are read from it.
   */
  public static fromEventDataStore(store: cloudtrail.CfnEventDataStore, options: EventDataStoreSourceOptions = {}): ImportSource {
    return new CfnEventDataStoreSource(store, options);
  }

  /**
   * An existing event data store, by ARN
   * (`arn:<partition>:cloudtrail:<region>:<account>:eventdatastore/<id>`).
   */
  public static fromEventDataStoreArn(eventDataStoreArn: string, options: EventDataStoreArnSourceOptions = {}): ImportSource {
    return new ArnSource(eventDataStoreArn, options);
  }

  /** The ARN of the event data store. */
  public abstract readonly eventDataStoreArn: string;

  /** @internal */
  public abstract _bind(scope: Construct): BoundImportSource;
}

/** Default retention of a store, by billing mode (FACTS.md). */
const DEFAULT_RETENTION_DAYS: Record<string, number> = {
  EXTENDABLE_RETENTION_PRICING: 366,
  FIXED_RETENTION_PRICING: 2557,
};

class CfnEventDataStoreSource extends ImportSource {
  public readonly eventDataStoreArn: string;

  constructor(private readonly store: cloudtrail.CfnEventDataStore, private readonly options: EventDataStoreSourceOptions) {
    super();
    this.eventDataStoreArn = store.attrEventDataStoreArn;
  }

  public _bind(scope: Construct): BoundImportSource {
    const keyPermissions = this.options.encryptionKey
      ? keyPermissionsFromKey(this.options.encryptionKey)
      : keyPermissionsFromKeyId(scope, this.store.kmsKeyId);
    return { eventDataStoreArn: this.eventDataStoreArn, keyPermissions, ...this.retention() };
  }

  private retention(): Pick<BoundImportSource, 'retentionDays' | 'retentionOrigin'> {
    if (this.store.retentionPeriod !== undefined) {
      return { retentionDays: this.store.retentionPeriod, retentionOrigin: `the store's retentionPeriod (${this.store.retentionPeriod} days)` };
    }
    const billingMode = this.store.billingMode ?? 'EXTENDABLE_RETENTION_PRICING';
    if (Token.isUnresolved(billingMode) || DEFAULT_RETENTION_DAYS[billingMode] === undefined) return {};
    const days = DEFAULT_RETENTION_DAYS[billingMode];
    return { retentionDays: days, retentionOrigin: `the default retention of a store without retentionPeriod under ${billingMode} (${days} days)` };
  }
}

class ArnSource extends ImportSource {
  constructor(public readonly eventDataStoreArn: string, private readonly options: EventDataStoreArnSourceOptions) {
    super();
  }

  public _bind(_scope: Construct): BoundImportSource {
    return {
      eventDataStoreArn: this.eventDataStoreArn,
      keyPermissions: this.options.encryptionKey ? keyPermissionsFromKey(this.options.encryptionKey) : undefined,
      retentionDays: this.options.retentionPeriod?.toDays(),
      retentionOrigin: this.options.retentionPeriod && `the retentionPeriod given to ImportSource.fromEventDataStoreArn (${this.options.retentionPeriod.toHumanString()})`,
    };
  }
}

/** From a key object: its ARN; an alias is followed to its key when it is in the app. */
function keyPermissionsFromKey(key: kms.IKey): KeyPermissions {
  if (isAlias(key)) {
    const target = aliasTarget(key);
    if (target) return keyPermissionsFromKey(target);
    return aliasPermissions(key.aliasName, Aws.PARTITION, Stack.of(key).region, Stack.of(key).account);
  }
  return { resources: [key.keyArn], key };
}

/** A KMS key ID: a UUID, or for a multi-Region key `mrk-` and 32 hexadecimal digits. */
const KEY_ID = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/i;

/** From an event data store's KmsKeyId: key ID, key ARN, alias name, alias ARN, or a token. */
function keyPermissionsFromKeyId(scope: Construct, kmsKeyId: string | undefined): KeyPermissions | undefined {
  if (kmsKeyId === undefined) return undefined;
  const stack = Stack.of(scope);
  if (Token.isUnresolved(kmsKeyId)) {
    const key = keyReferencedBy(kmsKeyId);
    if (key) return keyPermissionsFromKey(key);
    const viaAlias = appAliasPermissions(scope, kmsKeyId);
    if (viaAlias) return viaAlias;
    return {
      resources: [kmsKeyId],
      assumption: 'the store\'s kmsKeyId is a token the construct cannot trace to a key in this app, so it is taken to be a key ARN. ' +
        'If it is a key ID or an alias, pass it as `encryptionKey` (kms.Key.fromKeyArn, kms.Alias.fromAliasName).',
    };
  }
  if (kmsKeyId.startsWith('arn:')) {
    const arn = Arn.split(kmsKeyId, ArnFormat.SLASH_RESOURCE_NAME);
    if (arn.service !== 'kms' || !arn.resourceName || (arn.resource !== 'key' && arn.resource !== 'alias')) {
      throw new Error(`kmsKeyId of the event data store must be a KMS key ID, key ARN, alias name or alias ARN, got ${JSON.stringify(kmsKeyId)}`);
    }
    return arn.resource === 'alias'
      ? aliasPermissions(`alias/${arn.resourceName}`, arn.partition!, arn.region!, arn.account!)
      : { resources: [kmsKeyId] };
  }
  if (kmsKeyId.startsWith('alias/')) {
    return appAliasPermissions(scope, kmsKeyId) ?? aliasPermissions(kmsKeyId, Aws.PARTITION, stack.region, stack.account);
  }
  if (!KEY_ID.test(kmsKeyId)) {
    throw new Error(`kmsKeyId of the event data store must be a KMS key ID, key ARN, alias name or alias ARN, got ${JSON.stringify(kmsKeyId)}; ` +
      'a key ID is a UUID (1234abcd-12ab-34cd-56ef-1234567890ab) or mrk- and 32 hex digits, an alias name starts with alias/');
  }
  return { resources: [stack.formatArn({ service: 'kms', resource: 'key', resourceName: kmsKeyId })] };
}

/**
 * A key known only by alias: KMS authorizes by key ARN, so allow the account's keys that carry
 * the alias (`kms:ResourceAliases`), which is as narrow as an alias allows.
 */
function aliasPermissions(aliasName: string, partition: string, region: string, account: string): KeyPermissions {
  return {
    resources: [`arn:${partition}:kms:${region}:${account}:key/*`],
    conditions: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': aliasName } },
  };
}

/** The kms.Key behind a token such as `{ Ref: Key }` or `{ Fn::GetAtt: [Key, Arn] }`, if it is in the app. */
function keyReferencedBy(value: string): kms.IKey | undefined {
  const tokens = Tokenization.reverseString(value).tokens;
  if (tokens.length !== 1) return undefined;
  const token = tokens[0];
  if (!(token instanceof Reference)) return undefined;
  const target = token.target;
  if (!(target instanceof CfnResource) || target.cfnResourceType !== kms.CfnKey.CFN_RESOURCE_TYPE_NAME) return undefined;
  const owner = target.node.scope;
  return owner instanceof kms.Key ? owner : undefined;
}

/**
 * The permissions for a `kmsKeyId` that names an alias of this app: its `aliasName` or `aliasArn` (or
 * any string holding the name's token), a reference to its `AWS::KMS::Alias`, or the literal name of
 * an alias in the same stack. They go to the alias's key: KMS authorizes by key ARN, and only a key
 * has a key policy. An alias of the app whose key cannot be traced is refused: `encryptionKey` names it.
 */
function appAliasPermissions(scope: Construct, kmsKeyId: string): KeyPermissions | undefined {
  const token = Token.isUnresolved(kmsKeyId);
  const alias = scope.node.root.node.findAll().find((c): c is kms.Alias => c instanceof kms.Alias && (token
    ? kmsKeyId.includes(c.aliasName)
    : Stack.of(c) === Stack.of(scope) && (c.node.defaultChild as kms.CfnAlias).aliasName === kmsKeyId));
  if (alias) return keyPermissionsFromKey(alias.aliasTargetKey);
  const cfnAlias = token ? cfnAliasReferencedBy(kmsKeyId) : undefined;
  if (!cfnAlias) return undefined;
  if (cfnAlias.node.scope instanceof kms.Alias) return keyPermissionsFromKey(cfnAlias.node.scope.aliasTargetKey);
  const target = cfnAlias.targetKeyId;
  if (!Token.isUnresolved(target)) return keyPermissionsFromKeyId(scope, target);
  const key = keyReferencedBy(target);
  if (key) return keyPermissionsFromKey(key);
  throw new Error(`kmsKeyId of the event data store names the alias ${cfnAlias.node.path} of this app, whose targetKeyId is a token the construct cannot ` +
    'trace to a key of the app (a parameter or an import), and KMS permissions and key policy statements must name the key. Pass the key as encryptionKey: ' +
    'ImportSource.fromEventDataStore(store, { encryptionKey: key }), or MigrationSource.fromEventDataStore(store, { encryptionKey: key }).');
}

/** The `AWS::KMS::Alias` a token such as `{ Ref: Alias }` refers to, if any. */
function cfnAliasReferencedBy(value: string): kms.CfnAlias | undefined {
  const tokens = Tokenization.reverseString(value).tokens;
  if (tokens.length !== 1) return undefined;
  const token = tokens[0];
  return token instanceof Reference && token.target instanceof kms.CfnAlias ? token.target : undefined;
}

function isAlias(key: kms.IKey): key is kms.IAlias {
  return typeof (key as Partial<kms.IAlias>).aliasName === 'string' && 'aliasTargetKey' in key;
}

function aliasTarget(alias: kms.IAlias): kms.IKey | undefined {
  try {
    // Aliases imported by name have no target and throw here.
    return alias.aliasTargetKey;
  } catch {
    return undefined;
  }
}

/** The statement that lets a principal use the store's key. @internal */
export function keyStatement(permissions: KeyPermissions): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
    resources: permissions.resources,
    conditions: permissions.conditions,
  });
}
