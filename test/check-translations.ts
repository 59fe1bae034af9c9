/**
 * `npx projen rosetta:check` (part of test:ci, after rosetta:extract): the README's and API docs'
 * examples as jsii-rosetta translated them (.jsii.tabl.json), which is what Construct Hub and the
 * package pages of PyPI, Maven, NuGet and Go show, must be code in each language:
 * - Python: each snippet byte-compiles (`python3 -m py_compile`);
 * - Java: each snippet parses (`javac`, stopped after parsing: the aws-cdk-lib jars are not here),
 *   when a JDK is installed (CI has one);
 * - every language: none of the known bad forms of test/translations/rules.ts (JavaScript's Date
 *   and Array.join, Java field access and list indexing, C# camelCase members, Go's `Type_*Method`,
 *   the library's Go module path...). C# and Go get these pattern checks only: compiling them would
 *   need dotnet or go and the aws-cdk-lib packages of NuGet or the Go proxy.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkTranslation, goPackagePath, Language } from './translations/rules';

interface Tablet {
  snippets: Record<string, { translations: Record<string, { source: string }>; location: { api: unknown; field?: { line?: number } } }>;
}

const ROOT = path.join(__dirname, '..');
const LANGUAGES: readonly Language[] = ['python', 'java', 'csharp', 'go'];

function main(): void {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const go = pkg.jsii.targets.go;
  const goModule = go.packageName
    ? `${go.moduleName}/${go.packageName}`
    : goPackagePath(go.moduleName, pkg.name, pkg.version);
  const tablet: Tablet = JSON.parse(fs.readFileSync(path.join(ROOT, '.jsii.tabl.json'), 'utf8'));
  const snippets = Object.values(tablet.snippets);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rosetta-check-'));
  const javac = spawnSync('javac', ['-version'], { stdio: 'ignore' }).status === 0;
  const problems: string[] = [];
  try {
    snippets.forEach((snippet, index) => {
      const where = `example at line ${snippet.location.field?.line ?? '?'} of ${JSON.stringify(snippet.location.api)}`;
      for (const language of LANGUAGES) {
        const source = snippet.translations[language]?.source;
        if (source === undefined) {
          problems.push(`${where}, ${language}: no translation`);
          continue;
        }
        problems.push(...checkTranslation(language, source, goModule).map((p) => `${where}, ${language}: ${p}`));
      }
      const python = path.join(dir, `snippet_${index}.py`);
      fs.writeFileSync(python, snippet.translations.python?.source ?? '');
      const compiled = spawnSync('python3', ['-m', 'py_compile', python], { encoding: 'utf8' });
      if (compiled.status !== 0) problems.push(`${where}, python: does not compile: ${lastLine(compiled.stderr || String(compiled.error))}`);
      if (javac) {
        const file = path.join(dir, `Snippet${index}.java`);
        fs.writeFileSync(file, javaUnit(`Snippet${index}`, snippet.translations.java?.source ?? ''));
        // Parsing only: resolving names would need the aws-cdk-lib and jsii runtime jars.
        const parsed = spawnSync('javac', ['-XDshould-stop.ifError=PARSE', '-XDshould-stop.ifNoError=PARSE', '-d', path.join(dir, 'classes'), file], { encoding: 'utf8' });
        if (parsed.status !== 0) problems.push(`${where}, java: does not parse: ${parsed.stdout}${parsed.stderr}`.trim());
      }
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (problems.length > 0) {
    console.error(`translated examples that would mislead a reader:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    process.exit(1);
  }
  console.log(`${snippets.length} translated examples checked in ${LANGUAGES.join(', ')} (Python compiled${javac ? ', Java parsed' : '; no javac: Java not parsed'})`);
}

/** A compilation unit for a snippet: its imports, then its statements as the body of a method (classes of a complete program stay top-level). */
function javaUnit(className: string, source: string): string {
  const lines = source.split('\n');
  const imports = lines.filter((l) => /^import /.test(l));
  const body = lines.filter((l) => !/^import /.test(l)).join('\n');
  if (/^(public )?(class|interface) /m.test(body)) return `${imports.join('\n')}\n${body.replace(/^public /gm, '')}\n`;
  return `${imports.join('\n')}\nclass ${className} {\n  void body() {\n${body}\n  }\n}\n`;
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop() ?? '';
}

main();
