/**
 * The CLI as it ships: the esbuild bundle the package's `bin` names (`npx projen bundle:cli`,
 * part of `bundle`), run by Node.js in a child process with nothing of the repository's
 * node_modules but aws-cdk-lib, its peer dependency.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import { Fixture, STORE_A } from './helpers';
import { ImportStatusJson } from '../../src/status/render';

const ROOT = path.join(__dirname, '..', '..');
const BUNDLE = path.join(ROOT, 'assets', 'cli', 'index.js');
const PACKAGE = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

beforeAll(() => {
  if (!fs.existsSync(BUNDLE)) throw new Error(`${path.relative(ROOT, BUNDLE)} is missing: run \`npx projen bundle\` first`);
});

/** Runs the bundle asynchronously (the stand-ins answer from this process's event loop). */
function runBundle(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BUNDLE, ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

test('the package bin is the bundle, a Node.js script of its own', () => {
  expect(PACKAGE.bin).toEqual({ 'cdk-eventdatastore-import': 'assets/cli/index.js' });
  expect(fs.readFileSync(BUNDLE, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
});

test('the bundle requires nothing but Node.js built-ins and aws-cdk-lib (a peer dependency)', () => {
  const source = fs.readFileSync(BUNDLE, 'utf8');
  // Calls only: not `[require("@aws-sdk/signature-v4-crt");]`, which is text of an SDK error message.
  const required = [...new Set([...source.matchAll(/(?<![[\w.$])require\("([^"]+)"\)/g)].map((m) => m[1]))];
  expect(required.length).toBeGreaterThan(0);
  const builtins = new Set(builtinModules);
  const foreign = required.filter((name) => !name.startsWith('node:') && !builtins.has(name) && !/^aws-cdk-lib(\/|$)/.test(name));
  expect(foreign).toEqual([]);
  expect(Object.keys(PACKAGE.peerDependencies)).toContain('aws-cdk-lib');
});

test('--help lists both commands; --version is the package version', async () => {
  const help = await runBundle(['--help']);
  expect(help).toMatchObject({ code: 0, stderr: '' });
  expect(help.stdout).toMatch(/^Usage: cdk-eventdatastore-import /);
  expect(help.stdout).toMatch(/\n {2}status\b/);
  expect(help.stdout).toMatch(/\n {2}preflight\b/);
  expect(await runBundle(['--version'])).toMatchObject({ code: 0, stdout: `${PACKAGE.version}\n` });
});

describe('against the stand-ins', () => {
  let fx: Fixture;
  beforeEach(async () => {
    fx = await Fixture.start();
  });
  afterEach(async () => {
    await fx.stop();
  });

  test('status --json: the bundled SDK clients list the imports', async () => {
    const now = Date.now();
    const imp = fx.logs.addImport({ importSourceArn: STORE_A, importStatus: 'COMPLETED', creationTime: now - 60_000, lastUpdatedTime: now });
    fx.logs.tick();
    const result = await runBundle(['status', '--json'], fx.env());
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const shown: ImportStatusJson[] = JSON.parse(result.stdout);
    expect(shown.map((s) => [s.importId, s.status, s.importSourceArn])).toEqual([[imp.importId, 'COMPLETED', STORE_A]]);
  });

  test('an unreachable endpoint: one line on standard error, exit code 2', async () => {
    const env = { ...fx.env(), AWS_ENDPOINT_URL: 'http://127.0.0.1:9' };
    delete (env as Record<string, string | undefined>).AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
    const result = await runBundle(['status'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: Could not reach AWS \(ECONNREFUSED[^\n]*\n$/);
  });
});
