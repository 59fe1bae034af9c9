/**
 * Turns a synthesized template's `AWS::StepFunctions::StateMachine` into the plain Amazon States
 * Language the stand-in runs: the DefinitionString (an Fn::Join of strings, Ref and Fn::GetAtt)
 * and its DefinitionSubstitutions resolved with the names the test world gives each resource.
 */

export const ACCOUNT = '111122223333';
export const REGION = 'us-east-1';

/** Ref and attributes (`Arn`, `TopicName`...) of one logical ID; `Ref` is required. */
export type ResourceNames = { readonly Ref: string } & Readonly<Record<string, string>>;
export type WorldNames = Record<string, ResourceNames>;

type Template = { Resources?: Record<string, { Type: string; Properties?: any }> };

/** How the test world names a resource of each type (the physical name is the logical ID). */
export function namesFor(logicalId: string, type: string): ResourceNames {
  const arn = (service: string, resource: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${resource}`;
  switch (type) {
    case 'AWS::Lambda::Function':
      return { Ref: logicalId, Arn: arn('lambda', `function:${logicalId}`) };
    case 'AWS::DynamoDB::Table':
      return { Ref: logicalId, Arn: arn('dynamodb', `table/${logicalId}`), StreamArn: arn('dynamodb', `table/${logicalId}/stream/2026-01-01T00:00:00.000`) };
    case 'AWS::SNS::Topic':
      return { Ref: arn('sns', logicalId), TopicArn: arn('sns', logicalId), TopicName: logicalId };
    case 'AWS::StepFunctions::StateMachine':
      return { Ref: arn('states', `stateMachine:${logicalId}`), Arn: arn('states', `stateMachine:${logicalId}`), Name: logicalId };
    case 'AWS::IAM::Role':
      return { Ref: logicalId, Arn: `arn:aws:iam::${ACCOUNT}:role/${logicalId}`, RoleId: `AROA${logicalId.toUpperCase()}` };
    case 'AWS::Events::EventBus':
      return { Ref: logicalId, Arn: arn('events', `event-bus/${logicalId}`), Name: logicalId };
    case 'AWS::Logs::LogGroup':
      return { Ref: logicalId, Arn: arn('logs', `log-group:${logicalId}:*`) };
    case 'AWS::KMS::Key':
      return { Ref: logicalId, Arn: arn('kms', `key/${logicalId}`), KeyId: logicalId };
    default:
      return { Ref: logicalId, Arn: arn(type.split('::')[1]?.toLowerCase() ?? 'unknown', logicalId) };
  }
}

/** Names of every resource of the template; `overrides` win (e.g. a table's real name). */
export function worldNames(template: Template, overrides: WorldNames = {}): WorldNames {
  const names: WorldNames = {};
  for (const [id, resource] of Object.entries(template.Resources ?? {})) names[id] = namesFor(id, resource.Type);
  return { ...names, ...overrides };
}

export const PSEUDO_PARAMETERS: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': REGION,
  'AWS::AccountId': ACCOUNT,
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'TestStack',
  'AWS::StackId': `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/TestStack/00000000-0000-0000-0000-000000000000`,
  'AWS::NoValue': '',
};

/** Resolves Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select and Fn::Split in a template value. */
export function resolve(value: unknown, names: WorldNames): any {
  if (Array.isArray(value)) return value.map((v) => resolve(v, names));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value);
  if (entries.length !== 1 || !entries[0][0].match(/^(Ref|Fn::)/)) {
    return Object.fromEntries(entries.map(([k, v]) => [k, resolve(v, names)]));
  }
  const [fn, arg] = entries[0] as [string, any];
  switch (fn) {
    case 'Ref': return ref(arg, names);
    case 'Fn::GetAtt': {
      const [id, attr] = Array.isArray(arg) ? arg : String(arg).split(/\.(.*)/);
      const found = names[id]?.[attr];
      if (found === undefined) throw new Error(`state-machine-template: no name for Fn::GetAtt ${id}.${attr}`);
      return found;
    }
    case 'Fn::Join': return (resolve(arg[1], names) as unknown[]).join(arg[0]);
    case 'Fn::Select': return resolve(arg[1], names)[Number(resolve(arg[0], names))];
    case 'Fn::Split': return String(resolve(arg[1], names)).split(arg[0]);
    case 'Fn::Sub': {
      const [text, vars] = Array.isArray(arg) ? arg : [arg, {}];
      const values = resolve(vars, names) as Record<string, string>;
      return String(text).replace(/\$\{([^}!]+)\}/g, (_, key: string) => values[key] ?? (key.includes('.')
        ? resolve({ 'Fn::GetAtt': key }, names) : ref(key, names)));
    }
    default: throw new Error(`state-machine-template: ${fn} is not supported`);
  }
}

function ref(id: string, names: WorldNames): string {
  const found = PSEUDO_PARAMETERS[id] ?? names[id]?.Ref;
  if (found === undefined) throw new Error(`state-machine-template: no name for Ref ${id}`);
  return found;
}

/** Logical IDs of the template's resources of one type. */
export function logicalIdsOfType(template: Template, type: string): string[] {
  return Object.entries(template.Resources ?? {}).filter(([, r]) => r.Type === type).map(([id]) => id);
}

/**
 * The plain ASL of the template's state machine (the only one, or `logicalId`), with every token
 * resolved through `names` (default: `worldNames(template)`).
 */
export function renderDefinition(template: Template, options: { logicalId?: string; names?: WorldNames } = {}): any {
  const ids = options.logicalId ? [options.logicalId] : logicalIdsOfType(template, 'AWS::StepFunctions::StateMachine');
  if (ids.length !== 1) throw new Error(`state-machine-template: expected one state machine, found ${ids.length}: ${ids.join(', ')}`);
  const props = template.Resources?.[ids[0]]?.Properties ?? {};
  const names = options.names ?? worldNames(template);
  let text: string = props.Definition !== undefined ? JSON.stringify(resolve(props.Definition, names)) : resolve(props.DefinitionString, names);
  const substitutions = resolve(props.DefinitionSubstitutions ?? {}, names) as Record<string, unknown>;
  for (const [key, value] of Object.entries(substitutions)) text = text.split('${' + key + '}').join(String(value));
  return JSON.parse(text);
}
