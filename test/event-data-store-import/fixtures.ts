import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';

export const ACCOUNT = '111111111111';
export const REGION = 'us-east-1';
export const STORE_ID = '0b4f7f2a-7a4d-4d4e-9c1e-5c3b2f6d8e90';
export const STORE_ARN = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:eventdatastore/${STORE_ID}`;

/** A stack in a known environment (the usual case for an import, which is regional). */
export function newStack(id = 'Stack', env: { account?: string; region?: string } | undefined = { account: ACCOUNT, region: REGION }): Stack {
  return new Stack(new App(), id, env ? { env } : undefined);
}

export function template(stack: Stack): Template {
  return Template.fromStack(stack);
}

/** Statements of every managed and inline policy in the template, flattened. */
export function allStatements(t: Template, type = 'AWS::IAM::ManagedPolicy'): any[] {
  return Object.values(t.findResources(type)).flatMap((r: any) => r.Properties.PolicyDocument.Statement);
}

/** Statements of the managed policies attached to the role whose logical ID starts with `rolePrefix`. */
export function statementsOfRole(t: Template, roleLogicalIdFragment: string): any[] {
  return Object.values(t.findResources('AWS::IAM::ManagedPolicy'))
    .filter((p: any) => (p.Properties.Roles ?? []).some((r: any) => JSON.stringify(r).includes(roleLogicalIdFragment)))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

export function warnings(stack: Stack): string[] {
  return Annotations.fromStack(stack).findWarning('*', Match.anyValue()).map((w) => String(w.entry.data));
}
