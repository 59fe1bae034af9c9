/**
 * Resolves the CloudFormation intrinsics of a template as far as preflight can without deploying:
 * pseudo parameters, parameter defaults, `Ref` and `Fn::GetAtt` of the resources preflight needs
 * (to their physical IDs for a deployed stack; to stand-in names for resources not created yet),
 * `Fn::Join`, `Fn::Select`, `Fn::Split` and `Fn::Sub`. Whatever else stays an "unresolved" marker,
 * so that a check can say it could not tell instead of guessing.
 */

/** A resource of a template, as far as preflight reads it. */
export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DependsOn?: string | string[];
}

/** The parts of a CloudFormation template preflight reads. */
export interface Template {
  readonly Resources?: Record<string, TemplateResource>;
  readonly Parameters?: Record<string, { readonly Default?: unknown }>;
}

/** Where the template is (or will be) deployed, and what exists already. */
export interface ResolverEnvironment {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  /** Logical ID to physical ID, for a deployed stack. Empty for an assembly. */
  readonly physicalIds: ReadonlyMap<string, string>;
  /** Parameter values that override the template's defaults (a deployed stack's). */
  readonly parameters?: ReadonlyMap<string, string>;
}

/** Every unresolved value contains this, so that a check can tell it from a real one. */
export const UNRESOLVED_MARKER = '#unresolved:';

export function isResolved(value: unknown): value is string {
  return typeof value === 'string' && !value.includes(UNRESOLVED_MARKER);
}

/** A value preflight cannot know, marked so (e.g. the account of an environment-agnostic stack without credentials). */
export function unresolved(what: string): string {
  return `${UNRESOLVED_MARKER}${what}#`;
}

export class TemplateResolver {
  constructor(private readonly template: Template, private readonly env: ResolverEnvironment) {}

  /** The resources of the template, by logical ID. */
  public get resources(): Record<string, TemplateResource> {
    return this.template.Resources ?? {};
  }

  /** True when the resource exists already (a deployed stack's resource with a physical ID). */
  public exists(logicalId: string): boolean {
    return this.env.physicalIds.has(logicalId);
  }

  /** `value` with every intrinsic resolved (or replaced by an unresolved marker). */
  public resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1 && (entries[0][0] === 'Ref' || entries[0][0].startsWith('Fn::'))) {
      return this.intrinsic(entries[0][0], entries[0][1]);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, this.resolve(v)]));
  }

  /** `value` resolved to a string (an unresolved marker when it is not one). */
  public resolveString(value: unknown): string {
    const resolved = this.resolve(value);
    return typeof resolved === 'string' ? resolved : unresolved(JSON.stringify(value));
  }

  /** What `Ref` of a resource gives: its physical ID, or a stand-in named after its logical ID. */
  public refOf(logicalId: string): string {
    const physical = this.env.physicalIds.get(logicalId);
    const resource = this.resources[logicalId];
    if (!resource) return unresolved(`Ref ${logicalId}`);
    switch (resource.Type) {
      // These types' Ref (and physical ID) is an ARN.
      case 'AWS::CloudTrail::EventDataStore':
        return physical ?? this.arn('cloudtrail', `eventdatastore/${logicalId}`);
      case 'AWS::IAM::ManagedPolicy':
        return physical ?? `arn:${this.env.partition}:iam::${this.env.account}:policy/${logicalId}`;
      case 'AWS::IAM::Role':
        return physical ?? this.stringProperty(resource, 'RoleName') ?? logicalId;
      case 'AWS::KMS::Alias':
        return physical ?? this.stringProperty(resource, 'AliasName') ?? unresolved(`Ref ${logicalId}`);
      default:
        return physical ?? logicalId;
    }
  }

  /** What `Fn::GetAtt` of a resource gives, for the attributes preflight needs. */
  public getAtt(logicalId: string, attribute: string): string {
    const resource = this.resources[logicalId];
    const what = `GetAtt ${logicalId}.${attribute}`;
    if (!resource) return unresolved(what);
    switch (`${resource.Type}.${attribute}`) {
      case 'AWS::CloudTrail::EventDataStore.EventDataStoreArn':
        return this.refOf(logicalId);
      case 'AWS::IAM::Role.Arn':
        return `arn:${this.env.partition}:iam::${this.env.account}:role${this.stringProperty(resource, 'Path') ?? '/'}${this.refOf(logicalId)}`;
      case 'AWS::KMS::Key.Arn':
        return this.arn('kms', `key/${this.refOf(logicalId)}`);
      case 'AWS::KMS::Key.KeyId':
        return this.refOf(logicalId);
      case 'AWS::IAM::ManagedPolicy.PolicyArn':
        return this.refOf(logicalId);
      case 'AWS::Logs::LogGroup.Arn':
        return this.arn('logs', `log-group:${this.refOf(logicalId)}:*`);
      default:
        return unresolved(what);
    }
  }

  private arn(service: string, resource: string): string {
    return `arn:${this.env.partition}:${service}:${this.env.region}:${this.env.account}:${resource}`;
  }

  private stringProperty(resource: TemplateResource, name: string): string | undefined {
    const value = resource.Properties?.[name];
    return value === undefined ? undefined : this.resolveString(value);
  }

  private intrinsic(name: string, argument: unknown): unknown {
    switch (name) {
      case 'Ref':
        return typeof argument === 'string' ? this.ref(argument) : unresolved('Ref');
      case 'Fn::GetAtt':
        return this.getAttArgument(argument);
      case 'Fn::Join':
        return this.join(argument);
      case 'Fn::Select':
        return this.select(argument);
      case 'Fn::Split':
        return this.split(argument);
      case 'Fn::Sub':
        return this.sub(argument);
      default:
        return unresolved(name);
    }
  }

  private ref(name: string): string {
    const pseudo = this.pseudoParameter(name);
    if (pseudo !== undefined) return pseudo;
    const parameter = this.env.parameters?.get(name) ?? this.template.Parameters?.[name]?.Default;
    if (this.template.Parameters?.[name]) return typeof parameter === 'string' ? parameter : unresolved(`Ref ${name}`);
    return this.refOf(name);
  }

  private pseudoParameter(name: string): string | undefined {
    switch (name) {
      case 'AWS::Partition': return this.env.partition;
      case 'AWS::Region': return this.env.region;
      case 'AWS::AccountId': return this.env.account;
      case 'AWS::URLSuffix': return this.env.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
      case 'AWS::NoValue': return undefined;
      default: return name.startsWith('AWS::') ? unresolved(`Ref ${name}`) : undefined;
    }
  }

  private getAttArgument(argument: unknown): string {
    const [logicalId, attribute] = typeof argument === 'string' ? argument.split('.', 2) : (argument as unknown[]) ?? [];
    return typeof logicalId === 'string' && typeof attribute === 'string' ? this.getAtt(logicalId, attribute) : unresolved('GetAtt');
  }

  private join(argument: unknown): string {
    const [separator, list] = (argument as unknown[]) ?? [];
    const items = this.resolve(list);
    if (typeof separator !== 'string' || !Array.isArray(items)) return unresolved('Fn::Join');
    return items.map((item) => (typeof item === 'string' ? item : unresolved('Fn::Join item'))).join(separator);
  }

  private select(argument: unknown): unknown {
    const [index, list] = (argument as unknown[]) ?? [];
    const items = this.resolve(list);
    const i = Number(this.resolve(index));
    return Array.isArray(items) && Number.isInteger(i) && i >= 0 && i < items.length ? items[i] : unresolved('Fn::Select');
  }

  private split(argument: unknown): unknown {
    const [separator, source] = (argument as unknown[]) ?? [];
    const text = this.resolve(source);
    return typeof separator === 'string' && typeof text === 'string' ? text.split(separator) : unresolved('Fn::Split');
  }

  private sub(argument: unknown): string {
    const [text, variables] = typeof argument === 'string' ? [argument, {}] : ((argument as unknown[]) ?? []);
    if (typeof text !== 'string') return unresolved('Fn::Sub');
    const values = (this.resolve(variables ?? {}) ?? {}) as Record<string, unknown>;
    return text.replace(/\$\{([^}!][^}]*)\}/g, (_match, name: string) => {
      if (typeof values[name] === 'string') return values[name] as string;
      const [logicalId, attribute] = name.split('.', 2);
      return attribute !== undefined ? this.getAtt(logicalId, attribute) : this.ref(name);
    });
  }
}
