import * as fs from 'fs';
import * as path from 'path';
import { CLONE_PLACEHOLDER, installSteps } from './install-steps';

const root = path.join(__dirname, '..', '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const tasks = JSON.parse(fs.readFileSync(path.join(root, '.projen', 'tasks.json'), 'utf8')).tasks;

describe('the README\'s install steps (run as written by `npx projen test:install`)', () => {
  const steps = installSteps(readme);

  test('build the package with the projen tasks that exist, after npm ci', () => {
    expect(steps.inClone).toEqual(['npm ci', 'npx projen pre-compile', 'npx projen compile', 'npx projen package:js']);
    for (const c of steps.inClone.slice(1)) expect(Object.keys(tasks)).toContain(c.replace('npx projen ', ''));
  });

  test('name the file jsii-pacmak writes: dist/js/<package>@<version>.jsii.tgz', () => {
    expect(tasks['package:js'].steps).toEqual([{ execArgs: ['jsii-pacmak', '-v', '--target', 'js'] }]);
    expect(steps.writes).toBe(`dist/js/${pkg.name}@${pkg.version}.jsii.tgz`);
  });

  test('install, in the app, that same file from the clone', () => {
    expect(steps.inApp).toEqual([`npm install ${CLONE_PLACEHOLDER}/${steps.writes}`]);
  });

  test('the run that follows them is part of test:ci', () => {
    expect(tasks['test:ci'].steps).toContainEqual({ spawn: 'test:install' });
  });
});

describe('installSteps', () => {
  const block = (body: string) => `x\n<!-- install-steps -->\n\`\`\`sh\n${body}\n\`\`\`\n`;

  test('reads both sections, splits && chains, and takes the file from "# writes"', () => {
    expect(installSteps(block('# in a clone of this repository\na && b   # writes dist/x.tgz\n\n# in your CDK app\nnpm install <path to the clone>/dist/x.tgz')))
      .toEqual({ inClone: ['a', 'b'], writes: 'dist/x.tgz', inApp: ['npm install <path to the clone>/dist/x.tgz'] });
  });

  test.each([
    ['no marker', 'no marker here', /has no <!-- install-steps marker/],
    ['no app section', block('# in a clone of this repository\na   # writes x'), /expected commands/],
    ['no "# writes"', block('# in a clone of this repository\na\n# in your CDK app\nb'), /expected commands/],
    ['a command outside any section', block('a'), /comes before/],
  ])('%s is an error', (_name, text, message) => {
    expect(() => installSteps(text)).toThrow(message);
  });
});
