/**
 * Follows the README's install steps as written (`npx projen test:install`, part of test:ci): builds
 * the npm package with the clone's commands, checks that the file they say they write exists,
 * installs it in a new CDK app with the app's command (from the npm cache only: no registry), and
 * synthesizes an import and a migration there with the installed package.
 *
 * The clone's commands run in this checkout, except `npm ci`: test:ci runs after it (quickstart:test),
 * and wiping the checkout's node_modules here would only install them again. With `--fresh`, every
 * command runs in a fresh clone of HEAD instead (slower: a full `npm ci`).
 */
import { execSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CLONE_PLACEHOLDER, installSteps } from './install-steps';

const checkout = path.resolve(__dirname, '..', '..');
const fresh = process.argv.includes('--fresh');
const started = Date.now();

function run(command: string, cwd: string, env: NodeJS.ProcessEnv = {}): void {
  console.log(`$ ${command}    (in ${cwd})`);
  execSync(command, { cwd, stdio: 'inherit', env: { ...process.env, ...env } });
}

function versionIn(dir: string, pkg: string): string {
  return JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', pkg, 'package.json'), 'utf8')).version;
}

const steps = installSteps(fs.readFileSync(path.join(checkout, 'README.md'), 'utf8'));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-install-'));
try {
  let clone = checkout;
  if (fresh) {
    clone = path.join(work, 'clone');
    run(`git clone --quiet --no-hardlinks ${JSON.stringify(checkout)} ${JSON.stringify(clone)}`, work);
  }
  for (const command of steps.inClone) {
    if (command === 'npm ci' && !fresh) {
      console.log('# npm ci: skipped in this checkout (test:ci runs after it); --fresh runs it in a fresh clone');
      continue;
    }
    run(command, clone);
  }
  const tarball = path.join(clone, steps.writes);
  if (!fs.existsSync(tarball)) {
    throw new Error(`the README says the build writes ${steps.writes}, but it is not there; ${path.dirname(steps.writes)} holds: ` +
      (fs.existsSync(path.dirname(tarball)) ? fs.readdirSync(path.dirname(tarball)).join(', ') : 'nothing'));
  }

  // A new CDK app with the aws-cdk-lib and constructs of the clone (both in the npm cache, which the
  // clone's `npm ci` filled): every install here is offline.
  const app = path.join(work, 'app');
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({
    name: 'readme-install-app',
    private: true,
    dependencies: { 'aws-cdk-lib': versionIn(clone, 'aws-cdk-lib'), 'constructs': versionIn(clone, 'constructs') },
  }, undefined, 2));
  const offline = { npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_loglevel: 'error' };
  run('npm install', app, offline);
  for (const command of steps.inApp) run(command.split(CLONE_PLACEHOLDER).join(clone), app, offline);

  fs.writeFileSync(path.join(app, 'app.js'), `
const { App, Stack } = require('aws-cdk-lib');
const cloudtrail = require('aws-cdk-lib/aws-cloudtrail');
const { CloudTrailLakeMigration, EventDataStoreImport, ImportSource, MigrationSource } = require('cdk-eventdatastore-import');
const app = new App({ outdir: 'cdk.out' });
const stack = new Stack(app, 'Consumer', { env: { account: '111111111111', region: 'us-east-1' } });
new EventDataStoreImport(stack, 'Import', {
  source: ImportSource.fromEventDataStoreArn('arn:aws:cloudtrail:us-east-1:111111111111:eventdatastore/0b4f7f2a-7a4d-4d4e-9c1e-5c3b2f6d8e90'),
});
new CloudTrailLakeMigration(stack, 'Migration', { stores: [MigrationSource.fromEventDataStore(new cloudtrail.CfnEventDataStore(stack, 'Store', {}))] });
const template = app.synth().getStackByName('Consumer').template;
console.log(JSON.stringify([...new Set(Object.values(template.Resources).map((r) => r.Type))].sort()));
`);
  const types: string[] = JSON.parse(execSync('node app.js', { cwd: app, encoding: 'utf8' }).trim().split('\n').pop()!);
  for (const expected of ['Custom::EventDataStoreImport', 'AWS::ObservabilityAdmin::TelemetryRule', 'AWS::Lambda::Function', 'AWS::StepFunctions::StateMachine']) {
    if (!types.includes(expected)) throw new Error(`the app synthesized with the installed package declares no ${expected}: ${types.join(', ')}`);
  }
  const installed = JSON.parse(fs.readFileSync(path.join(app, 'node_modules', 'cdk-eventdatastore-import', 'package.json'), 'utf8'));
  console.log(`README install steps: OK in ${Math.round((Date.now() - started) / 1000)} s (${installed.name}@${installed.version} from ${steps.writes}; ` +
    `the app declares ${types.length} resource types)`);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
