/**
 * What `npm pack` (and so `npx projen package:js`, through jsii-pacmak) puts in the package: what
 * users run, and nothing of this repository's own tooling.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..');

/** Top-level entries of the package (a dry run: nothing is written). */
function packedTopLevel(): string[] {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const files: Array<{ path: string }> = JSON.parse(out)[0].files;
  return [...new Set(files.map((f) => f.path.split('/')[0]))].sort();
}

// Run after the handler bundle and the jsii build (as `test:ci` does): the package needs both.
test('the package holds the library, its handler bundle, docs and bundled dependencies only', () => {
  const entries = packedTopLevel();
  for (const unwanted of ['bench', 'rosetta', 'test', 'example', 'docs', '.ci', 'src', '.projenrc.ts', 'projenrc']) {
    expect(entries).not.toContain(unwanted);
  }
  expect(entries).toEqual(expect.arrayContaining(['.jsii', 'API.md', 'LICENSE', 'README.md', 'assets', 'lib', 'package.json']));
}, 180_000);
