/**
 * What `npm pack` (and so `npx projen package:js`, through jsii-pacmak) puts in the package: what
 * users run, and nothing of this repository's own tooling. The CLI is one esbuild bundle
 * (assets/cli/index.js, `npx projen bundle:cli`): no node_modules travel with the package.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..');

/** Packed and unpacked size (bytes) and every file of the package (a dry run: nothing is written). */
interface Packed {
  readonly size: number;
  readonly unpackedSize: number;
  readonly files: string[];
}

let packed: Packed;
beforeAll(() => {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const [pack] = JSON.parse(out) as Array<{ size: number; unpackedSize: number; files: Array<{ path: string }> }>;
  packed = { size: pack.size, unpackedSize: pack.unpackedSize, files: pack.files.map((f) => f.path) };
}, 180_000);

const topLevel = () => [...new Set(packed.files.map((f) => f.split('/')[0]))].sort();

// Run after the bundles and the jsii build (as `test:ci` does): the package needs them.
test('the package holds the library, its two bundles and docs only', () => {
  const entries = topLevel();
  for (const unwanted of ['bench', 'rosetta', 'test', 'example', 'docs', '.ci', 'src', '.projenrc.ts', 'projenrc', 'node_modules']) {
    expect(entries).not.toContain(unwanted);
  }
  expect(entries).toEqual(expect.arrayContaining(['.jsii', 'API.md', 'LICENSE', 'README.md', 'assets', 'lib', 'package.json']));
  expect(packed.files).toEqual(expect.arrayContaining(['assets/cli/index.js', 'assets/orchestrator/orchestrator.lambda/index.js', 'lib/index.js']));
  // The CLI's sources are bundled, not compiled into lib/ (where their imports would not resolve).
  expect(packed.files.filter((f) => /^lib\/(status|preflight)\//.test(f))).toEqual([]);
});

test('no dependency travels with the package: the CLI bundle carries its own', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  expect(pkg.bundledDependencies ?? pkg.bundleDependencies).toBeUndefined();
  expect(pkg.dependencies ?? {}).toEqual({});
  expect(Object.keys(pkg.peerDependencies).sort()).toEqual(['aws-cdk-lib', 'constructs']);
  expect(pkg.bin).toEqual({ 'cdk-eventdatastore-import': 'assets/cli/index.js' });
});

test('at most 1.5 MB packed (it was 3.6 MB, with 18.7 MB of bundled node_modules)', () => {
  expect(packed.size).toBeLessThanOrEqual(1.5 * 1024 * 1024);
  expect(packed.unpackedSize).toBeLessThanOrEqual(6 * 1024 * 1024);
});
