/**
 * Jest global setup (once per run, before any test file): builds what the tests load from the
 * build output, so that `npx projen test` works on a fresh clone right after `npm ci`, and never
 * tests a stale handler bundle.
 *
 * - The orchestrator bundle (assets/, what the deploy-time tests run): built again when missing or
 *   older than any file under src/ or package-lock.json (esbuild, about a second). The check is a
 *   walk of src/'s modification times: cheap when the bundle is current.
 * - The jsii build (.jsii, lib/, what test/package-contents.test.ts packs): built when missing only;
 *   `test:ci` compiles before it tests. A stale build changes nothing that test checks.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const BUNDLE = path.join(ROOT, 'assets', 'orchestrator', 'orchestrator.lambda', 'index.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const t = entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs;
    if (t > newest) newest = t;
  }
  return newest;
}

function mtime(file: string): number | undefined {
  return fs.existsSync(file) ? fs.statSync(file).mtimeMs : undefined;
}

function projen(task: string): void {
  process.stderr.write(`\njest global setup: npx projen ${task}\n`);
  execFileSync('npx', ['projen', task], { cwd: ROOT, stdio: ['ignore', process.stderr, process.stderr] });
}

export default function build(): void {
  const bundle = mtime(BUNDLE);
  const inputs = Math.max(newestMtime(path.join(ROOT, 'src')), mtime(path.join(ROOT, 'package-lock.json')) ?? 0);
  if (bundle === undefined || bundle < inputs) projen('bundle');
  if (mtime(path.join(ROOT, '.jsii')) === undefined || !fs.existsSync(path.join(ROOT, 'lib', 'index.js'))) projen('compile');
}
