/**
 * `npx projen rosetta:check` (part of test:ci, after rosetta:extract): the README's and API docs'
 * examples as jsii-rosetta translated them (.jsii.tabl.json) must read as code in each language.
 * Rosetta translates what compiles, not what is idiomatic: this catches the mistakes seen so far.
 * - JavaScript's `Date`, which no other language has (`Date("2024-01-01")` in Python);
 * - names of the fixture's own imports (rosetta/*.ts-fixture) leaking into an example;
 * - Python that does not parse.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';

interface Tablet {
  snippets: Record<string, { translations: Record<string, { source: string }>; location: { api: unknown; field?: { line?: number } } }>;
}

const tablet: Tablet = JSON.parse(fs.readFileSync('.jsii.tabl.json', 'utf8'));
const problems: string[] = [];
for (const snippet of Object.values(tablet.snippets)) {
  const where = `example at line ${snippet.location.field?.line ?? '?'} of ${JSON.stringify(snippet.location.api)}`;
  for (const [language, { source }] of Object.entries(snippet.translations)) {
    if (language === '$') continue;
    if (/\bDate\(/.test(source)) problems.push(`${where}, ${language}: uses JavaScript's Date`);
    if (/rosetta/i.test(source)) problems.push(`${where}, ${language}: names the rosetta fixture's imports`);
  }
  const python = snippet.translations.python?.source;
  if (python !== undefined) {
    try {
      execFileSync('python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { input: python, stdio: ['pipe', 'ignore', 'pipe'] });
    } catch (e) {
      problems.push(`${where}, python: does not parse (${String((e as { stderr?: Buffer }).stderr ?? e).trim().split('\n').pop()})`);
    }
  }
}
if (problems.length > 0) {
  console.error(`translated examples that would mislead a reader:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  process.exit(1);
}
console.log(`${Object.keys(tablet.snippets).length} translated examples checked`);
