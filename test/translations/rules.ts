/**
 * What jsii-rosetta's translations of the README's and API docs' examples must not contain: the
 * forms seen in translations of examples written with JavaScript idioms, each with the reason and
 * the way to write the TypeScript so that rosetta translates it well (test/check-translations.ts
 * applies them; test/translations/rules.test.ts shows each one firing on a bad sample).
 *
 * Rosetta translates what compiles, not what is idiomatic, and its Go is approximate whatever the
 * example does. These are NOT checked, because no way of writing the example avoids them (rosetta
 * 6.0; they are what Construct Hub shows for every jsii library): in Go, aws-cdk-lib imports are
 * all `github.com/aws/aws-cdk-go/awscdk` (no `/v2`, no `awskms` submodule package), struct literals
 * are unqualified (`&KeyProps{`), properties are read without the getter call (`key.KeyArn`, not
 * `key.KeyArn()`; getters such as `importId` even in lower case), and class instances are
 * dereferenced (`*cdkeventdatastoreimport.ImportSource_FromEventDataStore(store)`); in Java and C#,
 * `for (const x of list)` loses the element type. The checks below cover what an example can avoid.
 */

export type Language = 'python' | 'java' | 'csharp' | 'go';

export interface TranslationRule {
  readonly id: string;
  readonly language: Language;
  /** Matched against the code with string literals emptied; with `keepComments`, comments stay (Python's `# name: Type` declarations are comments). */
  readonly pattern: RegExp;
  readonly keepComments?: boolean;
  /** Matched against the source as it is: strings, comments and imports included (otherwise imports are left out: their dotted names are no member accesses). */
  readonly raw?: boolean;
  /** Why it is wrong, and how to write the TypeScript instead. */
  readonly reason: string;
  /** A line rosetta produced (or would) that the rule must catch. */
  readonly bad: string;
  /** A correct line of the same kind that the rule must let through. */
  readonly good: string;
}

const JOIN = 'JavaScript\'s Array.join, which a list has in no other language: use Fn.join(\',\', list) (aws-cdk-lib)';
/** `.join(` on a variable's member (`names.join(`, `a.b.join(`), not on a type (`Fn.join(`) or a string (`",".join(`). */
const INSTANCE_JOIN = /\b[a-z]\w*(?:\.\w+(?:\(\))?)*\.join\(/;
const DATE = 'JavaScript\'s Date, which rosetta cannot translate (jsii\'s date is datetime / Instant / DateTime / time.Time): keep dates out of examples, name each language\'s form in the prose';

export const RULES: readonly TranslationRule[] = [
  // ---- Python ----
  { id: 'python-date', language: 'python', pattern: /\bDate\b/, keepComments: true, reason: DATE, bad: '# history_start: Date', good: 'history_start = datetime(2024, 1, 1, tzinfo=timezone.utc)' },
  { id: 'python-list-join', language: 'python', pattern: INSTANCE_JOIN, reason: JOIN, bad: 'CfnOutput(self, "Groups", value=migration.ongoing_log_group_names.join(","))', good: 'value=",".join(names)' },
  // ---- Java ----
  { id: 'java-date', language: 'java', pattern: /\bDate\b/, reason: DATE, bad: 'Date historyStart;', good: 'Instant historyStart = Instant.parse("2024-01-01T00:00:00Z");' },
  {
    id: 'java-field-access',
    language: 'java',
    pattern: /\.[a-z]\w*\b(?!\s*\()/,
    reason: 'a property read as a field: Java has getters (getFoo()). Rosetta drops the getter when the property is the target of a method call (a.b.c()): read the property into a local first',
    bad: 'migration.imports[0].destinationLogGroup.grantRead(auditors);',
    good: 'ILogGroup logGroup = recent.getDestinationLogGroup(); logGroup.grantRead(auditors);',
  },
  {
    id: 'java-list-index',
    language: 'java',
    pattern: /[\w)]\[\d+\]/,
    reason: 'a list indexed like an array: jsii lists are java.util.List (get(0)); avoid indexing in examples',
    bad: 'CfnOutput.Builder.create(this, "Cutover").value(migration.getImports()[0].getCutoverTime()).build();',
    good: 'String[] names = new String[] { "a" };',
  },
  { id: 'java-join', language: 'java', pattern: INSTANCE_JOIN, reason: JOIN, bad: '.value(migration.ongoingLogGroupNames.join(","))', good: '.value(Fn.join(",", migration.getOngoingLogGroupNames()))' },
  {
    id: 'java-untyped-loop',
    language: 'java',
    pattern: /\bfor \(Object \w+ :/,
    reason: 'a for-of loop whose element rosetta could not type (Object has none of the element\'s methods): avoid loops in examples',
    bad: 'for (Object imported : migration.getImports()) {',
    good: 'for (EventDataStoreImport imported : migration.getImports()) {',
  },
  // ---- C# ----
  { id: 'csharp-date', language: 'csharp', pattern: /\bDate\b/, reason: DATE, bad: 'Date historyStart;', good: 'var historyStart = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);' },
  {
    id: 'csharp-instance-join',
    language: 'csharp',
    pattern: /\b[a-z]\w*(?:\.[A-Z]\w*)+\.Join\(/,
    reason: `${JOIN} (C# has string.Join(",", list))`,
    bad: 'new CfnOutputProps { Value = migration.OngoingLogGroupNames.Join(",") }',
    good: 'new CfnOutputProps { Value = Fn.Join(",", migration.OngoingLogGroupNames) }',
  },
  {
    id: 'csharp-lowercase-member',
    language: 'csharp',
    pattern: /\.[a-z]\w*/,
    reason: 'a member in camelCase: C# properties and methods of jsii types are PascalCase (rosetta could not resolve the member)',
    bad: 'Value = recent.importId',
    good: 'Value = recent.ImportId',
  },
  { id: 'csharp-for-in', language: 'csharp', pattern: /\bfor \(var \w+ in\b/, reason: 'a for-of loop rendered as `for (var x in list)`, which is not C# (foreach): avoid loops in examples', bad: 'for (var imported in migration.Imports)', good: 'foreach (var imported in migration.Imports)' },
  // ---- Go ----
  { id: 'go-date', language: 'go', pattern: /\bdate\b|(?<!\btime\.)\bDate\(/, reason: DATE, bad: 'var historyStart date', good: 'historyStart := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)' },
  { id: 'go-join', language: 'go', pattern: /(?<!\bstrings)\.[jJ]oin\(/, reason: JOIN, bad: 'Value: migration.OngoingLogGroupNames.join(jsii.String(",")),', good: 'Value: awscdk.Fn_Join(jsii.String(","), migration.OngoingLogGroupNames),' },
  {
    id: 'go-static-deref',
    language: 'go',
    pattern: /\w_\*[A-Z]/,
    reason: 'rosetta renders a static method called a second time as an argument or a struct field as `Type_*Method` (not Go): call it in a variable declaration (const x = Duration.days(90)) instead',
    bad: 'TimeRange: *cdkeventdatastoreimport.ImportTimeRange_Lookback(awscdk.Duration_*Days(jsii.Number(90))),',
    good: 'lastQuarter := awscdk.Duration_Days(jsii.Number(90))',
  },
  {
    id: 'go-shorthand-deref',
    language: 'go',
    pattern: /\b(\w+): \*\1\b/,
    reason: 'a shorthand property ({ vpc }) or a variable named like the field it fills, rendered as `Vpc: *Vpc` (no such variable): give the variable a name of its own',
    bad: '\t\tVpc: *Vpc,',
    good: '\t\tVpc: privateVpc,',
  },
  { id: 'go-number-index', language: 'go', pattern: /\[jsii\.Number\(/, reason: 'a slice indexed by a *float64 (jsii.Number): avoid indexing in examples', bad: 'Value: migration.Imports[jsii.Number(0)].cutoverTime,', good: 'Value: history.ImportRecordId,' },
  { id: 'go-dummy-module', language: 'go', pattern: /github\.com\/aws-samples\/dummy\//, raw: true, reason: 'rosetta\'s placeholder module: the import names a package it could not resolve (not a jsii assembly the example may use)', bad: 'import "github.com/aws-samples/dummy/constructs"', good: 'import "github.com/aws/constructs-go/constructs"' },
];

/** Blanks string literals ("..." and '...', keeping the quotes) and, unless asked to keep them, comments (`#` for Python, `//` and block comments otherwise). */
export function codeOnly(source: string, language: Language, keepComments = false): string {
  const lineComment = language === 'python' ? '#' : '//';
  let out = '';
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (c === '"' || c === '\'' || (c === '`' && language === 'go')) {
      // Python's triple quotes are strings too; none of these languages' examples nest quotes.
      let j = i + 1;
      while (j < source.length && source[j] !== c && source[j] !== '\n') j += source[j] === '\\' && c !== '`' ? 2 : 1;
      out += `${c}${c}`;
      i = j + 1;
    } else if (source.startsWith(lineComment, i)) {
      const end = source.indexOf('\n', i);
      const comment = source.slice(i, end < 0 ? source.length : end);
      out += keepComments ? comment : '';
      i += comment.length;
    } else if (language !== 'python' && source.startsWith('/*', i)) {
      const end = source.indexOf('*/', i + 2);
      const comment = source.slice(i, end < 0 ? source.length : end + 2);
      out += keepComments ? comment : comment.replace(/[^\n]/g, '');
      i += comment.length;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Imports and package/namespace lines: their dotted names are not member accesses. */
function withoutImports(code: string, language: Language): string {
  const header = { python: /^(from|import) .*$/gm, java: /^(import|package) .*$/gm, csharp: /^using .*$/gm, go: /^import .*$/gm }[language];
  return code.replace(header, '');
}

/** Problems of one translation: the rules of its language, and the Go module path of this library. */
export function checkTranslation(language: Language, source: string, goModule?: string): string[] {
  const problems: string[] = [];
  for (const rule of RULES.filter((r) => r.language === language)) {
    const searched = rule.raw ? source : withoutImports(codeOnly(source, language, rule.keepComments), language);
    const match = rule.pattern.exec(searched);
    if (match) problems.push(`${rule.id}: \`${lineAt(searched, match.index)}\`: ${rule.reason}`);
  }
  if (/rosetta/i.test(codeOnly(source, language, true))) problems.push('fixture-name: names the rosetta fixture\'s imports');
  if (language === 'go' && goModule !== undefined) problems.push(...goModuleProblems(source, goModule));
  return problems;
}

/** Every Go import of this library names the module jsii-pacmak publishes (publishToGo's moduleName + the package name). */
export function goModuleProblems(source: string, goModule: string): string[] {
  const [host, owner] = goModule.split('/');
  return [...source.matchAll(/^import (?:\w+ )?"([^"]+)"/gm)]
    .map((m) => m[1])
    .filter((p) => (p.startsWith(`${host}/${owner}/`) || /cdkeventdatastoreimport|cdk-eventdatastore-import/.test(p)) && p !== goModule)
    .map((p) => `go-module-path: imports "${p}", but the library's Go package is "${goModule}"`);
}

/** The Go package path of this library as jsii-pacmak makes it: the module name, then the npm name without its punctuation. */
export function goPackagePath(moduleName: string, npmName: string, version: string): string {
  const packageName = npmName.replace(/^@[^/]+\//, '').replace(/[^a-z0-9]/gi, '').toLowerCase();
  const major = Number(version.split('.')[0]);
  return `${moduleName}/${packageName}${major >= 2 ? `/v${major}` : ''}`;
}

function lineAt(code: string, index: number): string {
  const start = code.lastIndexOf('\n', index) + 1;
  const end = code.indexOf('\n', index);
  return code.slice(start, end < 0 ? code.length : end).trim();
}
