/**
 * What preflight finds in a template, read generically (so that it keeps working when the
 * construct's template changes): the `Custom::EventDataStoreImport` resources and their
 * properties, the roles, their policies, and the KMS keys.
 */
import { isResolved, TemplateResolver } from './intrinsics';
import { coversAction, PolicyDocument, statementsOf } from './policy-reading';

/**
 * The custom resource type of an import: the template contract preflight relies on (with
 * ImportSourceArn, ImportRoleArn and the time range), which holds across the library's deploy-time designs.
 */
export const IMPORT_RESOURCE_TYPE = 'Custom::EventDataStoreImport';

/** Which events an import asks for. */
export type ImportWindow =
  | { readonly kind: 'whole-retention' }
  | { readonly kind: 'fixed'; readonly start: number; readonly end: number }
  | { readonly kind: 'lookback'; readonly millis: number }
  | { readonly kind: 'unresolved'; readonly reason: string };

/** One import declared in the template. */
export interface DeclaredImport {
  readonly logicalId: string;
  /** Resolved, or containing the unresolved marker. */
  readonly sourceArn: string;
  /** The AWS::CloudTrail::EventDataStore of the template it names, if any. */
  readonly storeLogicalId?: string;
  readonly roleArn: string;
  readonly window: ImportWindow;
  /** The custom resource's physical ID: set when the stack has the resource already (deployed). */
  readonly physicalId?: string;
  /** A migration's import: the ongoing log groups its cutover is measured on (`CutoverLogGroupNames`). */
  readonly cutoverLogGroupNames?: string[];
  /** A migration's import: `StopIngestionAfterSeconds` is set (Lake ingestion is stopped after the parallel run). */
  readonly stopsIngestion?: boolean;
  /** The resources it depends on (a migration's import depends on its telemetry rule). */
  readonly dependsOn: string[];
}

/** The telemetry rule types of CloudWatch (the ObservabilityAdmin service) a migration creates. */
export const TELEMETRY_RULE_TYPE = 'AWS::ObservabilityAdmin::TelemetryRule';
export const ORGANIZATION_TELEMETRY_RULE_TYPE = 'AWS::ObservabilityAdmin::OrganizationTelemetryRule';

/** A telemetry rule of the template. */
export interface DeclaredTelemetryRule {
  readonly logicalId: string;
  readonly organization: boolean;
  /** `Rule.DestinationConfiguration.CloudtrailParameters.AdvancedEventSelectors`, resolved (PascalCase, `Equals` for equalTo). */
  readonly advancedEventSelectors: unknown;
  /** `RuleName`, resolved (it may stay unresolved). */
  readonly ruleName: string;
}

export function declaredTelemetryRules(resolver: TemplateResolver): DeclaredTelemetryRule[] {
  return Object.entries(resolver.resources)
    .filter(([, r]) => r.Type === TELEMETRY_RULE_TYPE || r.Type === ORGANIZATION_TELEMETRY_RULE_TYPE)
    .map(([logicalId, r]) => {
      const rule = (r.Properties?.Rule ?? {}) as { DestinationConfiguration?: { CloudtrailParameters?: { AdvancedEventSelectors?: unknown } } };
      return {
        logicalId,
        organization: r.Type === ORGANIZATION_TELEMETRY_RULE_TYPE,
        advancedEventSelectors: resolver.resolve(rule.DestinationConfiguration?.CloudtrailParameters?.AdvancedEventSelectors),
        ruleName: resolver.resolveString(r.Properties?.RuleName),
      };
    });
}

/** A role of the template with everything that applies to it. */
export interface TemplateRole {
  readonly logicalId: string;
  readonly arn: string;
  readonly trustPolicy?: PolicyDocument;
  /** Its inline policies and the template's managed and inline policies attached to it, resolved. */
  readonly policies: PolicyDocument[];
}

const ARN_OF_STORE_IN_TEMPLATE = /^(?:Ref|Fn::GetAtt)$/;

export function declaredImports(resolver: TemplateResolver, physicalIds: ReadonlyMap<string, string>): DeclaredImport[] {
  return Object.entries(resolver.resources)
    .filter(([, r]) => r.Type === IMPORT_RESOURCE_TYPE)
    .map(([logicalId, r]) => {
      const properties = r.Properties ?? {};
      return {
        logicalId,
        sourceArn: resolver.resolveString(properties.ImportSourceArn),
        storeLogicalId: storeInTemplate(resolver, properties.ImportSourceArn),
        roleArn: resolver.resolveString(properties.ImportRoleArn),
        window: windowOf(resolver, properties),
        physicalId: physicalIds.get(logicalId),
        ...cutoverOf(resolver, properties),
        dependsOn: [r.DependsOn ?? []].flat(),
      };
    });
}

function cutoverOf(resolver: TemplateResolver, properties: Record<string, unknown>): Pick<DeclaredImport, 'cutoverLogGroupNames' | 'stopsIngestion'> {
  if (properties.CutoverLogGroupNames === undefined) return {};
  const names = resolver.resolveString(properties.CutoverLogGroupNames).split(',').map((n) => n.trim()).filter((n) => n !== '');
  return { cutoverLogGroupNames: names, stopsIngestion: properties.StopIngestionAfterSeconds !== undefined };
}

/** The logical ID of the template's event data store that `value` (a Ref or GetAtt) points at. */
function storeInTemplate(resolver: TemplateResolver, value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const [name, argument] = Object.entries(value as Record<string, unknown>)[0] ?? [];
  if (!ARN_OF_STORE_IN_TEMPLATE.test(name ?? '')) return undefined;
  const logicalId = Array.isArray(argument) ? argument[0] : String(argument).split('.')[0];
  return resolver.resources[logicalId]?.Type === 'AWS::CloudTrail::EventDataStore' ? logicalId : undefined;
}

function windowOf(resolver: TemplateResolver, properties: Record<string, unknown>): ImportWindow {
  const number = (name: string): number | undefined | 'unresolved' => {
    if (properties[name] === undefined) return undefined;
    const text = resolver.resolve(properties[name]);
    const value = Number(text);
    return isResolved(String(text)) && Number.isFinite(value) ? value : 'unresolved';
  };
  const [start, end, lookback] = [number('StartEventTime'), number('EndEventTime'), number('LookbackMillis')];
  if (start === 'unresolved' || end === 'unresolved' || lookback === 'unresolved') {
    return { kind: 'unresolved', reason: 'the time range is not a number in the template' };
  }
  if (lookback !== undefined) return { kind: 'lookback', millis: lookback };
  if (start !== undefined || end !== undefined) return { kind: 'fixed', start: start ?? 0, end: end ?? Number.MAX_SAFE_INTEGER };
  return { kind: 'whole-retention' };
}

/** Every AWS::IAM::Role of the template, with the policies that apply to it. */
export function templateRoles(resolver: TemplateResolver): TemplateRole[] {
  return Object.entries(resolver.resources)
    .filter(([, r]) => r.Type === 'AWS::IAM::Role')
    .map(([logicalId, r]) => ({
      logicalId,
      arn: resolver.getAtt(logicalId, 'Arn'),
      trustPolicy: resolver.resolve(r.Properties?.AssumeRolePolicyDocument) as PolicyDocument | undefined,
      policies: policiesOfRole(resolver, logicalId),
    }));
}

function policiesOfRole(resolver: TemplateResolver, roleLogicalId: string): PolicyDocument[] {
  const role = resolver.resources[roleLogicalId];
  const inline = ((role.Properties?.Policies ?? []) as Array<{ PolicyDocument?: unknown }>).map((p) => p.PolicyDocument);
  const managedArns = new Set((resolver.resolve(role.Properties?.ManagedPolicyArns ?? []) as unknown[]).map(String));
  const roleName = resolver.refOf(roleLogicalId);
  const attached = Object.entries(resolver.resources)
    .filter(([id, r]) => (r.Type === 'AWS::IAM::ManagedPolicy' || r.Type === 'AWS::IAM::Policy')
      && (namesRole(resolver.resolve(r.Properties?.Roles ?? []), roleName) || managedArns.has(resolver.refOf(id))))
    .map(([, r]) => r.Properties?.PolicyDocument);
  return [...inline, ...attached].map((doc) => resolver.resolve(doc) as PolicyDocument).filter((doc) => doc !== undefined);
}

function namesRole(roles: unknown, roleName: string): boolean {
  return Array.isArray(roles) && roles.includes(roleName);
}

/** Whether one of the policies has an Allow statement for `action` (any resource, any condition). */
export function mentionsAllow(policies: readonly PolicyDocument[], action: string): boolean {
  return policies.some((p) => statementsOf(p).some((s) => s.Effect === 'Allow' && coversAction(s, action)));
}

/** The deploy-time handler's role: the role whose policies allow logs:CreateImportTask. */
export function handlerRoleOf(roles: readonly TemplateRole[]): TemplateRole | undefined {
  return roles.find((r) => mentionsAllow(r.policies, 'logs:CreateImportTask'));
}

/** The store's KmsKeyId as the template gives it, resolved (key ID, key ARN, alias name or alias ARN). */
export function kmsKeyIdOfStore(resolver: TemplateResolver, storeLogicalId: string): string | undefined {
  const value = resolver.resources[storeLogicalId]?.Properties?.KmsKeyId;
  return value === undefined ? undefined : resolver.resolveString(value);
}

/** The AWS::KMS::Key of the template that `keyId` (any of its forms) names, following aliases. */
export function keyInTemplate(resolver: TemplateResolver, keyId: string): string | undefined {
  const aliasName = keyId.replace(/^arn:[^:]+:kms:[^:]*:\d*:/, '');
  const alias = Object.entries(resolver.resources)
    .find(([, r]) => r.Type === 'AWS::KMS::Alias' && resolver.resolveString(r.Properties?.AliasName) === aliasName);
  const target = alias ? resolver.resolveString(alias[1].Properties?.TargetKeyId) : keyId;
  return Object.keys(resolver.resources).find((id) => resolver.resources[id].Type === 'AWS::KMS::Key'
    && (resolver.getAtt(id, 'Arn') === target || resolver.refOf(id) === target));
}

/** Retention of a store of the template in days, with CloudTrail's default for its billing mode. */
export function retentionDaysInTemplate(resolver: TemplateResolver, storeLogicalId: string): number | undefined {
  const properties = resolver.resources[storeLogicalId]?.Properties ?? {};
  if (properties.RetentionPeriod !== undefined) {
    const days = Number(resolver.resolve(properties.RetentionPeriod));
    return Number.isFinite(days) ? days : undefined;
  }
  // CloudTrail's defaults: 2557 days with fixed retention pricing, 366 with extendable (the default mode).
  return resolver.resolve(properties.BillingMode) === 'FIXED_RETENTION_PRICING' ? 2557 : 366;
}
