/**
 * Carries an event data store's advanced event selectors over to a CloudWatch telemetry rule, so
 * that the same events keep arriving after the cutover. The two shapes are field-for-field the
 * same; what differs is what a telemetry rule can deliver (CloudTrail management and data events,
 * not Insights, Config items, Audit Manager evidence, events outside AWS or network activity).
 */
import { IResolvable, Token } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as observabilityadmin from 'aws-cdk-lib/aws-observabilityadmin';

export type StoreSelectors = cloudtrail.CfnEventDataStore['advancedEventSelectors'];
export type RuleSelector = observabilityadmin.CfnTelemetryRule.AdvancedEventSelectorProperty;
type StoreFieldSelector = cloudtrail.CfnEventDataStore.AdvancedFieldSelectorProperty;

/** Every field an advanced event selector can hold (CloudTrail API reference, AdvancedFieldSelector). */
export const SELECTOR_FIELDS = [
  'eventCategory', 'eventSource', 'eventName', 'eventType', 'readOnly', 'resources.type', 'resources.ARN',
  'errorCode', 'sessionCredentialFromConsole', 'userIdentity.arn', 'vpcEndpointId',
] as const;

/** Every operator of a field selector. */
export const SELECTOR_OPERATORS = ['equalTo', 'startsWith', 'endsWith', 'notEquals', 'notStartsWith', 'notEndsWith'] as const;

/** Event categories a CloudTrail telemetry rule delivers to CloudWatch Logs, and the log group each lands in. */
export const DELIVERED_CATEGORIES: Readonly<Record<string, string>> = {
  Management: 'aws/cloudtrail/managementevents',
  Data: 'aws/cloudtrail/dataevents',
};

/** Event categories an event data store can hold that no telemetry rule delivers. */
export const UNDELIVERED_CATEGORIES = ['Insight', 'ConfigurationItem', 'Evidence', 'ActivityAuditLog', 'NetworkActivity'] as const;

/** What CloudTrail collects for an event data store created without selectors: all management events. */
export const DEFAULT_STORE_SELECTORS: RuleSelector[] = [{
  name: 'Management events',
  fieldSelectors: [{ field: 'eventCategory', equalTo: ['Management'] }],
}];

export interface TranslatedSelectors {
  /** For the telemetry rule (a token is carried over as it is). */
  readonly selectors: RuleSelector[] | IResolvable;
  /** The event categories the selectors collect; undefined when a token hides them. */
  readonly categories?: string[];
}

/**
 * Translates a store's selectors for a telemetry rule. `where` names the prop in messages.
 * Tokens pass unchanged (CloudFormation resolves them into the same shape).
 */
export function translateSelectors(selectors: StoreSelectors, where: string): TranslatedSelectors {
  if (selectors === undefined) return { selectors: DEFAULT_STORE_SELECTORS, categories: ['Management'] };
  if (Token.isUnresolved(selectors)) return { selectors: selectors as IResolvable };
  const list = selectors as Array<IResolvable | cloudtrail.CfnEventDataStore.AdvancedEventSelectorProperty>;
  if (list.length === 0) {
    throw new Error(`${where} is empty: an event data store collects nothing without selectors it can match; give at least one selector, or leave it out for all management events`);
  }
  let categoriesKnown = true;
  const categories = new Set<string>();
  const translated = list.map((selector, i): RuleSelector | IResolvable => {
    if (Token.isUnresolved(selector)) {
      categoriesKnown = false;
      return selector as IResolvable;
    }
    const s = selector as cloudtrail.CfnEventDataStore.AdvancedEventSelectorProperty;
    const at = `${where}[${i}]${s.name ? ` ("${s.name}")` : ''}`;
    if (Token.isUnresolved(s.fieldSelectors)) {
      categoriesKnown = false;
      return { name: s.name, fieldSelectors: s.fieldSelectors };
    }
    const fields = (s.fieldSelectors as Array<IResolvable | StoreFieldSelector>).map((f, j) => {
      if (Token.isUnresolved(f)) {
        categoriesKnown = false;
        return f as IResolvable;
      }
      return translateField(f as StoreFieldSelector, `${at}.fieldSelectors[${j}]`);
    });
    const category = categoryOf(s.fieldSelectors as Array<IResolvable | StoreFieldSelector>, at);
    if (category === undefined) categoriesKnown = false;
    else category.forEach((c) => categories.add(c));
    return { name: s.name, fieldSelectors: fields };
  });
  return { selectors: translated as RuleSelector[], categories: categoriesKnown ? [...categories] : undefined };
}

function translateField(field: StoreFieldSelector, at: string): observabilityadmin.CfnTelemetryRule.AdvancedFieldSelectorProperty {
  if (!Token.isUnresolved(field.field) && !(SELECTOR_FIELDS as readonly string[]).includes(field.field)) {
    throw new Error(`${at}.field is ${JSON.stringify(field.field)}, which is not a field of an advanced event selector; valid fields: ${SELECTOR_FIELDS.join(', ')}`);
  }
  const operators = SELECTOR_OPERATORS.filter((op) => field[op] !== undefined);
  if (operators.length === 0) {
    throw new Error(`${at} (field ${field.field}) has no operator; give one of ${SELECTOR_OPERATORS.join(', ')}`);
  }
  // Field for field, the same structure: only what is set is carried over.
  const out: Record<string, unknown> = { field: field.field };
  for (const op of operators) out[op] = field[op];
  return out as observabilityadmin.CfnTelemetryRule.AdvancedFieldSelectorProperty;
}

/** The eventCategory values a selector matches (it must say: CloudTrail requires the field). */
function categoryOf(fields: Array<IResolvable | StoreFieldSelector>, at: string): string[] | undefined {
  const category = fields.find((f): f is StoreFieldSelector => !Token.isUnresolved(f) && (f as StoreFieldSelector).field === 'eventCategory');
  if (!category) {
    if (fields.some((f) => Token.isUnresolved(f))) return undefined;
    throw new Error(`${at} has no eventCategory field selector; CloudTrail requires one (e.g. { field: 'eventCategory', equalTo: ['Management'] })`);
  }
  if (category.equalTo === undefined || Token.isUnresolved(category.equalTo)) return category.equalTo === undefined ? [] : undefined;
  return category.equalTo.filter((v) => !Token.isUnresolved(v));
}

/** The categories among `categories` that a telemetry rule cannot deliver. */
export function undeliveredCategories(categories: readonly string[]): string[] {
  return categories.filter((c) => DELIVERED_CATEGORIES[c] === undefined);
}

/** The log groups the rule writes a store's events to, by category. */
export function ongoingLogGroupsOf(categories: readonly string[]): string[] {
  return [...new Set(categories.map((c) => DELIVERED_CATEGORIES[c]).filter((g): g is string => g !== undefined))];
}

/** Merges the selectors of several stores into one rule's (selectors are OR-ed), identical ones once. */
export function mergeSelectors(lists: ReadonlyArray<RuleSelector[] | IResolvable>): RuleSelector[] | IResolvable {
  if (lists.length === 1) return lists[0];
  const seen = new Set<string>();
  const merged: Array<RuleSelector | IResolvable> = [];
  for (const list of lists) {
    // A token list cannot be spread into another at synth time: CloudFormation would need Fn::Concat-like support it lacks.
    if (Token.isUnresolved(list)) {
      throw new Error('the advancedEventSelectors of one store are a single token, and there are several stores to merge into one telemetry rule: give them as a list, or migrate that store in its own CloudTrailLakeMigration');
    }
    // Identical field selectors are one selector, whatever their names.
    for (const selector of list as RuleSelector[]) {
      const key = Token.isUnresolved(selector) ? `token:${merged.length}` : JSON.stringify(selector.fieldSelectors);
      if (seen.has(key)) continue;
      seen.add(key);
      merged.push(selector);
    }
  }
  return merged as RuleSelector[];
}
