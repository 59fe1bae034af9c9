/**
 * Checks JSON bodies (awsJson1_0/1_1) against the service model the SDK ships: each client
 * exports its shapes as static schemas (`CreateImportTaskRequest$`, `CreateImportTask$`...), e.g.
 * `[3, namespace, name, traits, memberNames, memberSchemas, requiredCount]` for a structure, where
 * the first `requiredCount` members are required. They are read through @smithy/core's
 * NormalizedSchema (the SDK's own reader), so the stand-ins follow the model, not a hand-written list.
 */
import * as path from 'node:path';

/** The part of @smithy/core's NormalizedSchema used here. */
interface Schema {
  getSchema(): unknown;
  getName(withNamespace?: boolean): string | undefined;
  isStructSchema(): boolean;
  isListSchema(): boolean;
  isMapSchema(): boolean;
  isStringSchema(): boolean;
  isNumericSchema(): boolean;
  isBigIntegerSchema(): boolean;
  isBigDecimalSchema(): boolean;
  isBooleanSchema(): boolean;
  isTimestampSchema(): boolean;
  isBlobSchema(): boolean;
  isDocumentSchema(): boolean;
  isUnitSchema(): boolean;
  getMemberSchemas(): Record<string, Schema>;
  getValueSchema(): Schema;
}

/** The service model of one SDK client, e.g. `ServiceModel.of('@aws-sdk/client-cloudwatch-logs')`. */
export class ServiceModel {
  public static of(clientPackage: string): ServiceModel {
    return new ServiceModel(clientPackage);
  }

  private readonly client: Record<string, unknown>;
  private readonly normalize: (ref: unknown) => Schema;

  private constructor(readonly clientPackage: string) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    this.client = require(clientPackage);
    // The @smithy/core the client itself resolves, so the schema encoding is the one it was built for.
    const clientDir = path.dirname(require.resolve(clientPackage));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const schema = require(require.resolve('@smithy/core/schema', { paths: [clientDir] }));
    this.normalize = (ref) => schema.NormalizedSchema.of(ref);
  }

  /** Violations of the operation's input shape (`[]` when the body conforms). */
  public checkRequest(operation: string, body: unknown): string[] {
    const op = this.operation(operation);
    return op ? check(this.normalize(op[4]), body, 'request') : [`unknown operation ${operation}`];
  }

  /** Violations of the operation's output shape. */
  public checkResponse(operation: string, body: unknown): string[] {
    const op = this.operation(operation);
    return op ? check(this.normalize(op[5]), body, 'response') : [`unknown operation ${operation}`];
  }

  /**
   * Violations of a modeled error's shape (`__type` aside). Errors the model does not declare
   * (e.g. ThrottlingException, answered by the service front end) are only checked to carry a message.
   */
  public checkError(code: string, body: unknown): string[] {
    const { __type, ...rest } = (body ?? {}) as Record<string, unknown>;
    if (typeof __type !== 'string') return ['error: __type is missing'];
    const schema = this.client[`${code}$`];
    if (Array.isArray(schema) && schema[0] === -3) return check(this.normalize(schema), rest, `error ${code}`);
    return typeof rest.message === 'string' ? [] : [`error ${code}: message is missing`];
  }

  private operation(name: string): unknown[] | undefined {
    const op = this.client[`${name}$`];
    return Array.isArray(op) && op[0] === 9 ? op : undefined;
  }
}

function check(schema: Schema, value: unknown, at: string): string[] {
  if (schema.isUnitSchema()) return isObject(value) && Object.keys(value).length === 0 ? [] : [`${at}: expected {}`];
  if (value === null) return [`${at}: null (absent members are omitted on the wire)`];
  if (schema.isDocumentSchema()) return [];
  if (schema.isStructSchema()) {
    if (!isObject(value)) return [`${at}: expected an object of ${schema.getName()}, got ${typeof value}`];
    const members = schema.getMemberSchemas();
    const names = Object.keys(members);
    const requiredCount = Number((schema.getSchema() as unknown[])[6] ?? 0);
    const problems = names.slice(0, requiredCount)
      .filter((name) => value[name] === undefined)
      .map((name) => `${at}.${name}: required member of ${schema.getName()} is missing`);
    for (const [key, member] of Object.entries(value)) {
      if (member === undefined) continue;
      if (!(key in members)) problems.push(`${at}.${key}: not a member of ${schema.getName()}`);
      else problems.push(...check(members[key], member, `${at}.${key}`));
    }
    return problems;
  }
  if (schema.isListSchema()) {
    if (!Array.isArray(value)) return [`${at}: expected a list, got ${typeof value}`];
    return value.flatMap((item, i) => check(schema.getValueSchema(), item, `${at}[${i}]`));
  }
  if (schema.isMapSchema()) {
    if (!isObject(value)) return [`${at}: expected a map, got ${typeof value}`];
    return Object.entries(value).flatMap(([k, v]) => check(schema.getValueSchema(), v, `${at}.${k}`));
  }
  const expected = wireType(schema);
  return typeof value === expected ? [] : [`${at}: expected a ${expected}, got ${JSON.stringify(value)}`];
}

/** JSON type of a simple shape in the awsJson protocols (timestamps: epoch seconds; blobs: base64). */
function wireType(schema: Schema): string {
  if (schema.isStringSchema() || schema.isBlobSchema()) return 'string';
  if (schema.isBooleanSchema()) return 'boolean';
  if (schema.isNumericSchema() || schema.isBigIntegerSchema() || schema.isBigDecimalSchema()) return 'number';
  if (schema.isTimestampSchema()) return schema.getSchema() === 5 || schema.getSchema() === 6 ? 'string' : 'number';
  throw new Error(`service-shapes: schema ${String(schema.getName(true))} (${JSON.stringify(schema.getSchema())}) has no rule`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
