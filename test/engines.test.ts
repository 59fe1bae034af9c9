import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as semver from 'semver';

/**
 * `npm ci` warns EBADENGINE for every installed package whose engines.node the running Node.js does
 * not satisfy; the lock records each package's engines. Node 20 is the minimum this project supports.
 */
const root = path.join(__dirname, '..');
const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

function unsupported(nodeVersion: string): string[] {
  return Object.entries<any>(lock.packages)
    .filter(([, p]) => typeof p.engines?.node === 'string' && !semver.satisfies(nodeVersion, p.engines.node))
    .map(([where, p]) => `${where}@${p.version} wants node ${p.engines.node}`);
}

test('every package npm ci installs accepts the running Node.js (no EBADENGINE warning)', () => {
  expect(unsupported(process.version)).toEqual([]);
});

test('...and the Node.js 20 releases the project supports (package.json engines)', () => {
  expect(pkg.engines.node).toBe('>= 20.0.0');
  // The Node 20 release of this machine and CI; packages asking for a later 20.x minor are checked against it too.
  expect(unsupported('20.20.0')).toEqual([]);
});

test('aws-local-stepfunctions is the vendored copy, which runs on Node 20 without the tests\' polyfill', () => {
  expect(lock.packages['node_modules/aws-local-stepfunctions'].resolved).toBe('file:vendor/aws-local-stepfunctions-3.0.0-node20.tgz');
  // A process of its own, without test/setup/polyfills.ts: loading the package provides what it calls.
  const out = execFileSync(process.execPath, ['-e', "require('aws-local-stepfunctions'); console.log(typeof Promise.withResolvers)"], { cwd: root, encoding: 'utf8' });
  expect(out.trim()).toBe('function');
});
