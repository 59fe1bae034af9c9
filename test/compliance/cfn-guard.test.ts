import * as fs from 'fs';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { Validations } from 'aws-cdk-lib';
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
  'ct-lambda-pr-3': 'CT.LAMBDA.PR.3 (Lambda in a customer-managed VPC): the deploy-time function only calls AWS APIs, so by default it runs outside any VPC; which VPC and subnets (with a NAT gateway or VPC endpoints) is the user\'s choice: set handler.vpc.',
  // Set handler.logEncryptionKey to comply.
  'ct-cloudwatch-pr-3': 'CT.CLOUDWATCH.PR.3 (log groups encrypted with a KMS key): a customer managed key costs money and needs a key policy for CloudWatch Logs, so by default the function\'s and the state machine\'s logs use CloudWatch Logs\' own encryption: set handler.logEncryptionKey.',
};

interface Report {
  readonly success: boolean;
  readonly violations: Array<{ ruleName: string; violatingResources: Array<{ resourceLogicalId: string }> }>;
}

const PLUGIN_NAME = 'cdk-validator-cfnguard';

/**
 * The report files aws-cdk-lib writes into the cloud assembly when plugins run, each with its reader.
 * Both list only the plugins that found something.
 *
 * - `policy-validation-report.json`, the legacy format: the only one up to at least 2.257.0 (the
 *   minimum); newer releases write it only with the context below.
 * - `validation-report.json`, the current format, of newer releases (2.276.0 has it).
 */
const REPORT_FORMATS: Record<string, (json: any) => Report> = {
  'policy-validation-report.json': (json) => {
    const plugin = json.pluginReports.find((r: any) => r.summary.pluginName === PLUGIN_NAME);
    return plugin ? {
      success: plugin.summary.status === 'success',
      violations: plugin.violations.map((v: any) => ({
        ruleName: v.ruleName,
        violatingResources: v.violatingResources.map((r: any) => ({ resourceLogicalId: r.resourceLogicalId })),
      })),
    } : { success: true, violations: [] };
  },
  'validation-report.json': (json) => {
    const plugin = json.pluginReports.find((r: any) => r.pluginName === PLUGIN_NAME);
    return plugin ? {
      success: plugin.conclusion === 'success',
      violations: plugin.violations.map((v: any) => ({
        ruleName: v.ruleName,
        violatingResources: v.violatingConstructs.map((c: any) => ({ resourceLogicalId: c.cloudFormationResource.logicalId })),
      })),
    } : { success: true, violations: [] };
  },
};

/** Asks releases that write the current format to write the legacy one too, so both are read and compared. */
const LEGACY_REPORT_CONTEXT = { '@aws-cdk/core:validationReportJson': true };

/** Reads every report format present in the cloud assembly; where there are two, they must agree. */
function readReport(outdir: string): Report {
  const reports = Object.entries(REPORT_FORMATS)
    .filter(([file]) => fs.existsSync(path.join(outdir, file)))
    .map(([file, read]) => read(JSON.parse(fs.readFileSync(path.join(outdir, file), 'utf8'))));
  if (reports.length === 0) throw new Error(`no validation report in ${outdir} (looked for ${Object.keys(REPORT_FORMATS).join(', ')})`);
  for (const other of reports.slice(1)) expect(other).toEqual(reports[0]);
  return reports[0];
}

/**
 * Synthesizes with the plugin registered on the app (`Validations.of(app).addPlugins`, which
 * replaces the deprecated `policyValidationBeta1` of the plugin's README and exists in every
 * supported aws-cdk-lib), and reads its report. Whether synthesis failed is recorded, not thrown:
 * newer releases throw on a violation, 2.257.0 sets `process.exitCode` (restored here).
 */
function validateDuringSynthesis(configure: Parameters<typeof synthesize>[0], disabledRules: string[]): Report & { synthesisFailure?: string } {
  const outdir = tempOutdir();
  const exitCode = process.exitCode;
  let synthesisFailure: string | undefined;
  const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    synthesize((stack) => {
      Validations.of(stack.node.root).addPlugins(new CfnGuardValidator({ disabledRules }));
      configure(stack);
    }, { outdir, context: LEGACY_REPORT_CONTEXT });
  } catch (e) {
    synthesisFailure = String(e);
  } finally {
    quiet.mockRestore();
    if (process.exitCode !== exitCode) {
      synthesisFailure ??= `process.exitCode set to ${process.exitCode}`;
      process.exitCode = exitCode;
    }
  }
  return { ...readReport(outdir), synthesisFailure };
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
    expect(report.synthesisFailure).toBeUndefined();
  });
});

describe.each(STRICT)('Control Tower proactive controls: %s', (name) => {
  test('no violations with every control enabled', () => {
    const report = validateDuringSynthesis(CONFIGURATIONS[name], []);
    expect(summary(report)).toEqual([]);
    expect(report.success).toBe(true);
    expect(report.synthesisFailure).toBeUndefined();
  });
});

describe('the disabled controls', () => {
  test('are exactly the ones a default stack violates, on the library\'s functions and log groups only', () => {
    const report = validateTemplates(CONFIGURATIONS['minimal (fromEventDataStoreArn, all defaults)']);
    const byRule = Object.fromEntries(report.violations.map((v) => [v.ruleName, v.violatingResources.map((r) => r.resourceLogicalId).sort()]));
    expect(Object.keys(byRule).sort()).toEqual(['cloudwatch_log_group_encrypted_check', 'lambda_inside_vpc_check']);
    // The orchestrator's one function; its log group and the state machine's.
    expect(byRule.lambda_inside_vpc_check).toHaveLength(1);
    expect(byRule.cloudwatch_log_group_encrypted_check).toHaveLength(2);
    for (const id of Object.values(byRule).flat()) expect(id).toMatch(/^cdkeventdatastoreimportOrchestrator/);
  });

  test('enabled, they fail synthesis, and the report read from the cloud assembly names what the plugin finds', () => {
    // Guards the report readers: a report they misread would make the tests above pass vacuously.
    const configure = CONFIGURATIONS['minimal (fromEventDataStoreArn, all defaults)'];
    const report = validateDuringSynthesis(configure, []);
    expect(report.synthesisFailure).toBeDefined();
    expect(report.success).toBe(false);
    expect(summary(report).sort()).toEqual(summary(validateTemplates(configure)).sort());
    expect(summary(report)).toHaveLength(2);
  });

  test('have a reason each', () => {
    for (const [rule, reason] of Object.entries(DISABLED_WITHOUT_HANDLER_OPTIONS)) {
      expect(rule).toMatch(/^ct-[a-z]+-pr-\d+$/);
      expect(reason).toContain('handler.');
    }
  });
});
