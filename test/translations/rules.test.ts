/**
 * The checks of rosetta:check (test/check-translations.ts) fire on the bad forms they name, and
 * let the correct forms through.
 */
import { checkTranslation, codeOnly, goModuleProblems, goPackagePath, RULES } from './rules';

const MODULE = 'github.com/cdk-eventdatastore-import/cdk-eventdatastore-import-go/cdkeventdatastoreimport';

describe.each(RULES.map((r) => [r.id, r] as const))('%s', (id, rule) => {
  test('fires on its bad sample', () => {
    expect(checkTranslation(rule.language, rule.bad).filter((p) => p.startsWith(`${id}:`))).toHaveLength(1);
  });
  test('lets the correct form through', () => {
    expect(checkTranslation(rule.language, rule.good).filter((p) => p.startsWith(`${id}:`))).toEqual([]);
  });
});

test('every rule has a reason that says what to do', () => {
  for (const rule of RULES) expect(rule.reason.length).toBeGreaterThan(40);
  expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
});

test('strings and comments do not count, except where a rule keeps comments', () => {
  expect(codeOnly('x = ",".join(a)  # names.join(",")', 'python')).toBe('x = "".join(a)  ');
  expect(checkTranslation('java', 'String s = "read migration.imports here"; // a.b')).toEqual([]);
  expect(checkTranslation('csharp', 'var s = "a.b"; /* c.d */')).toEqual([]);
  expect(checkTranslation('python', '# store: Date')).toHaveLength(1);
});

test('imports are not member accesses', () => {
  expect(checkTranslation('java', 'import software.amazon.awscdk.services.kms.*;\nKey key = Key.Builder.create(this, "K").build();')).toEqual([]);
  expect(checkTranslation('csharp', 'using Amazon.CDK.AWS.KMS;\nvar key = new Key(this, "K");')).toEqual([]);
});

test('names of the rosetta fixture are reported in every language', () => {
  expect(checkTranslation('python', 'from aws_cdk import Stack as RosettaStack')).toEqual([expect.stringMatching(/^fixture-name:/)]);
});

describe('the Go module path of this library', () => {
  test('is publishToGo\'s moduleName and the package name (with /vN from version 2 on)', () => {
    expect(goPackagePath('github.com/cdk-eventdatastore-import/cdk-eventdatastore-import-go', 'cdk-eventdatastore-import', '0.0.0')).toBe(MODULE);
    expect(goPackagePath('github.com/o/m', 'cdk-eventdatastore-import', '2.1.0')).toBe('github.com/o/m/cdkeventdatastoreimport/v2');
  });
  test('an import of another path of the library is reported; the right one and aws-cdk-go are not', () => {
    const source = [
      'import "github.com/aws/aws-cdk-go/awscdk"',
      `import "${MODULE}"`,
      'import eds "github.com/cdk-eventdatastore-import/cdk-eventdatastore-import-go/cdk-eventdatastore-import"',
      'import "github.com/aws-samples/dummy/cdkeventdatastoreimport"',
    ].join('\n');
    expect(goModuleProblems(source, MODULE)).toEqual([
      expect.stringContaining('"github.com/cdk-eventdatastore-import/cdk-eventdatastore-import-go/cdk-eventdatastore-import"'),
      expect.stringContaining('"github.com/aws-samples/dummy/cdkeventdatastoreimport"'),
    ]);
    expect(goModuleProblems(`import "${MODULE}"`, MODULE)).toEqual([]);
  });
});
