import * as fs from 'fs';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { CONFIGURATIONS, STRICT, synthesize, tempOutdir } from './configurations';

/**
 * AWS Control Tower proactive controls, as the `@cdklabs/cdk-validator-cfnguard` policy-validation
 * plugin runs them during synthesis.
 *
 * Two controls need choices only the user can make; without the matching `handler` options they
 * are disabled, with the reason (the README repeats these):
 */
const DISABLED_WITHOUT_HANDLER_OPTIONS: Record<string, string> = {
  // Set handler.vpc to comply.
  'ct-lambda-pr-3': 'CT.LAMBDA.PR.3 (Lambda in a customer-managed VPC): the deploy-time functions only call AWS APIs, so by default they run outside any VPC; which VPC and subnets (with a NAT gateway or VPC endpoints) is the user\'s choice: set handler.vpc.',
  // Set handler.logEncryptionKey to comply.
  'ct-cloudwatch-pr-3': 'CT.CLOUDWATCH.PR.3 (log groups encrypted with a KMS key): a customer managed key costs money and needs a key policy for CloudWatch Logs, so by default the functions\' logs use CloudWatch Logs\' own encryption: set handler.logEncryptionKey.',
};

interface Report {
  readonly success: boolean;
  readonly violations: Array<{ ruleName: string; violatingResources: Array<{ resourceLogicalId: string }> }>;
}

/** Synthesizes with the plugin registered on the app, as its README shows, and reads its report. */
function validateDuringSynthesis(configure: Parameters<typeof synthesize>[0], disabledRules: string[]): Report {
  const outdir = tempOutdir();
  const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    synthesize(configure, { outdir, policyValidationBeta1: [new CfnGuardValidator({ disabledRules })] });
  } finally {
    quiet.mockRestore();
  }
  // The framework writes this report when plugins run; it lists the plugins that found violations.
  const report = JSON.parse(fs.readFileSync(path.join(outdir, 'policy-validation-report.json'), 'utf8'));
  const plugin = report.pluginReports.find((r: any) => r.summary.pluginName === 'cdk-validator-cfnguard');
  return plugin ? { success: plugin.summary.status === 'success', violations: plugin.violations } : { success: true, violations: [] };
}

/** Runs the plugin on synthesized templates directly (for expected violations, which would fail synthesis). */
function validateTemplates(configure: Parameters<typeof synthesize>[0], disabledRules: string[] = []): Report {
  const { outdir } = synthesize(configure);
  const templatePaths = fs.readdirSync(outdir).filter((f) => f.endsWith('.template.json')).map((f) => path.join(outdir, f));
  return new CfnGuardValidator({ disabledRules }).validate({ templatePaths }) as unknown as Report;
}

function summary(report: Report): string[] {
  return report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.resourceLogicalId).join(', ')}`);
}

const DEFAULT_CONFIGURATIONS = Object.keys(CONFIGURATIONS).filter((name) => !STRICT.includes(name));

describe.each(DEFAULT_CONFIGURATIONS)('Control Tower proactive controls: %s', (name) => {
  test('no violations, with the two controls that need handler options disabled', () => {
    const report = validateDuringSynthesis(CONFIGURATIONS[name], Object.keys(DISABLED_WITHOUT_HANDLER_OPTIONS));
    expect(summary(report)).toEqual([]);
    expect(report.success).toBe(true);
  });
});

describe.each(STRICT)('Control Tower proactive controls: %s', (name) => {
  test('no violations with every control enabled', () => {
    const report = validateDuringSynthesis(CONFIGURATIONS[name], []);
    expect(summary(report)).toEqual([]);
    expect(report.success).toBe(true);
  });
});

describe('the disabled controls', () => {
  test('are exactly the ones a default stack violates, on the library\'s functions and log groups only', () => {
    const report = validateTemplates(CONFIGURATIONS['minimal (fromEventDataStoreArn, all defaults)']);
    const byRule = Object.fromEntries(report.violations.map((v) => [v.ruleName, v.violatingResources.map((r) => r.resourceLogicalId).sort()]));
    expect(Object.keys(byRule).sort()).toEqual(['cloudwatch_log_group_encrypted_check', 'lambda_inside_vpc_check']);
    expect(byRule.lambda_inside_vpc_check).toHaveLength(4);
    expect(byRule.cloudwatch_log_group_encrypted_check).toHaveLength(3);
    for (const id of Object.values(byRule).flat()) expect(id).toMatch(/^cdkeventdatastoreimportImportProvider/);
  });

  test('have a reason each', () => {
    for (const [rule, reason] of Object.entries(DISABLED_WITHOUT_HANDLER_OPTIONS)) {
      expect(rule).toMatch(/^ct-[a-z]+-pr-\d+$/);
      expect(reason).toContain('handler.');
    }
  });
});
