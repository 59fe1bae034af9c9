/**
 * Which test files `npx projen test:latest-cdk` runs: the representative subset of the suite whose
 * outcome can depend on the aws-cdk-lib version (see jest.config.js).
 *
 * - Every test file that loads aws-cdk-lib, constructs, cdk-nag or an @aws-cdk/ package, directly or
 *   through the relative imports of its helpers (found by reading the sources, so a new test file is
 *   picked up, or left out, by what it imports). A file that loads none of them runs exactly the same
 *   code against either version: the first pass covers it.
 * - Except the deploy-time replays whose decisions are the bundled orchestrator's (it bundles no
 *   aws-cdk-lib): of what aws-cdk-lib synthesizes they run the state machine, the table and the
 *   function's environment, which `REPLAYS_KEPT` run against the latest release too.
 */
const fs = require('fs');
const path = require('path');
const { root } = require('./paths');

/** Run in the first pass only (their time is the orchestrator's waits, not synthesis). */
const REPLAYS_LEFT_OUT = ['test/deploy-time/migration.test.ts', 'test/deploy-time/review.test.ts'];
/** The deploy-time replays that do run against the latest aws-cdk-lib (documentation only). */
const REPLAYS_KEPT = ['test/deploy-time/scenarios.test.ts', 'test/deploy-time/world.test.ts'];

const LIBRARIES = /^(aws-cdk-lib|constructs|cdk-nag|@aws-cdk\/|@cdklabs\/)/;
const IMPORT = /(?:\bfrom\s+|\brequire\(\s*|\bimport\(\s*)['"]([^'"]+)['"]/g;

function resolveRelative(from, specifier) {
  const base = path.resolve(path.dirname(from), specifier);
  return [`${base}.ts`, `${base}.js`, path.join(base, 'index.ts'), base].find((f) => fs.existsSync(f) && fs.statSync(f).isFile());
}

const memo = new Map();
/** Whether the file loads one of LIBRARIES, itself or through its relative imports. */
function loadsCdk(file, visiting = new Set()) {
  if (memo.has(file)) return memo.get(file);
  if (visiting.has(file)) return false;
  visiting.add(file);
  let result = false;
  for (const [, specifier] of fs.readFileSync(file, 'utf8').matchAll(IMPORT)) {
    if (LIBRARIES.test(specifier)) { result = true; break; }
    if (specifier.startsWith('.')) {
      const target = resolveRelative(file, specifier);
      if (target && /\.(ts|js)$/.test(target) && loadsCdk(target, visiting)) { result = true; break; }
    }
  }
  visiting.delete(file);
  memo.set(file, result);
  return result;
}

function testFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name.endsWith('.snapshot') ? [] : testFiles(full);
    return e.name.endsWith('.test.ts') ? [full] : [];
  });
}

/** The test files (absolute paths) the latest-aws-cdk-lib pass leaves out. */
function leftOut() {
  return testFiles(path.join(root, 'test')).filter((f) =>
    REPLAYS_LEFT_OUT.includes(path.relative(root, f).split(path.sep).join('/')) || !loadsCdk(f));
}

module.exports = { leftOut, loadsCdk, REPLAYS_LEFT_OUT, REPLAYS_KEPT };

if (require.main === module) {
  for (const f of leftOut()) console.log(path.relative(root, f));
}
