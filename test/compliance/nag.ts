import { AwsSolutionsChecks, NagPack, NIST80053R5Checks } from 'cdk-nag';
import { IConstruct } from 'constructs';

export interface Finding {
  /** As cdk-nag v3 names it: `AwsSolutions-IAM5[Resource::*]` for granular rules. */
  readonly rule: string;
  readonly severity: string;
  readonly path: string;
}

/**
 * cdk-nag v3's AwsSolutions and NIST 800-53 rev 5 packs on the app, after synthesis (as the
 * policy-validation framework runs them). aws-cdk-lib 2.257 does not give plugins the construct
 * tree, so the packs are run with `validateScope`, their documented entry point for that case.
 */
export function nag(scope: IConstruct, options: { ignoreAcknowledgements?: boolean } = {}): Finding[] {
  return [new AwsSolutionsChecks(), new NIST80053R5Checks()].flatMap((pack: NagPack) => {
    if (options.ignoreAcknowledgements) {
      // What the packs find before any acknowledgement is applied.
      (pack as any).isAcknowledged = () => false;
    }
    return pack.validateScope(scope).violations.flatMap((v) =>
      v.violatingResources.map((r) => ({ rule: v.ruleName, severity: String(v.severity), path: r.constructPath! })));
  });
}
