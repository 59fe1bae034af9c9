import { awscdk, javascript } from 'projen';
import { UpdateSnapshot } from 'projen/lib/javascript';

/**
 * The minimum aws-cdk-lib is chosen on purpose:
 * 2.257.0 is the first release with the policy-validation `Validations` API that cdk-nag v3
 * runs on; the construct acknowledges its few unavoidable findings through it, so that users
 * of cdk-nag v3 see them acknowledged (users of cdk-nag v2 get the same through `cdk_nag`
 * metadata). Everything else the construct uses (Provider with explicit log groups,
 * CustomResource.serviceTimeout, Function.logGroup) is older than that.
 */
const MIN_CDK_VERSION = '2.257.0';

/** The CloudWatch Logs client gained the import APIs in 3.952.0; the handler bundles it. */
const CLOUDWATCH_LOGS_SDK = '@aws-sdk/client-cloudwatch-logs@^3.952.0';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-eventdatastore-import',
  description:
    'Import a CloudTrail Lake event data store into CloudWatch Logs (CreateImportTask) from AWS CDK: least-privilege role, run-once deploy-time import, safe removal.',
  author: 'cdk-eventdatastore-import maintainers',
  authorAddress: 'maintainers@example.com',
  repositoryUrl: 'https://github.com/cdk-eventdatastore-import/cdk-eventdatastore-import.git',
  keywords: ['cdk', 'awscdk', 'cloudtrail', 'cloudtrail-lake', 'event-data-store', 'cloudwatch-logs', 'migration', 'import'],
  license: 'Apache-2.0',
  stability: 'experimental',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,

  cdkVersion: MIN_CDK_VERSION,
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.0',
  minNodeVersion: '20.0.0',

  // Publishing names for every jsii language (Construct Hub shows them all).
  publishToPypi: {
    distName: 'cdk-eventdatastore-import',
    module: 'cdk_eventdatastore_import',
  },
  publishToMaven: {
    javaPackage: 'io.github.cdkeventdatastoreimport',
    mavenGroupId: 'io.github.cdk-eventdatastore-import',
    mavenArtifactId: 'cdk-eventdatastore-import',
  },
  publishToNuget: {
    dotNetNamespace: 'CdkEventDataStoreImport',
    packageId: 'CdkEventDataStoreImport',
  },
  publishToGo: {
    moduleName: 'github.com/cdk-eventdatastore-import/cdk-eventdatastore-import-go',
  },

  // The deploy-time handler: a projen auto-discovered *.lambda.ts, bundled by esbuild WITH the
  // CloudWatch Logs client (the runtime's built-in SDK may predate the import APIs), minified,
  // on an explicitly chosen current Node.js runtime.
  lambdaOptions: {
    runtime: awscdk.LambdaRuntime.NODEJS_22_X,
    bundlingOptions: {
      externals: [],
      sourcemap: false,
    },
  },

  // The status command (a bin of the package) needs these at run time; jsii requires them bundled.
  bundledDeps: [
    CLOUDWATCH_LOGS_SDK,
    '@aws-sdk/client-cloudformation@^3.952.0',
    'commander@^14',
    'cli-progress@^3',
  ],
  devDeps: [
    '@types/cli-progress',
    'cdk-nag@^3',
    '@cdklabs/cdk-validator-cfnguard',
    '@aws-cdk/integ-tests-alpha@2.245.0-alpha.0',
    'aws-sdk-client-mock@^4',
    'aws-sdk-client-mock-jest@^4',
    'aws-cdk@^2.1100.0',
    'esbuild',
  ],

  experimentalIntegRunner: true,

  jestOptions: {
    // The test task must fail when a snapshot changes; `npx projen test:update` rewrites them.
    updateSnapshot: UpdateSnapshot.NEVER,
    jestConfig: {
      snapshotSerializers: ['<rootDir>/test/asset-hash-serializer.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/cdk.out/', '\\.snapshot/'],
    },
  },

  gitignore: ['cdk.out/', '*.d.ts.map', '.cdk.staging/', 'example/cdk.out/'],
});

// projen's lambda bundling has no minify option: add esbuild's flag to each bundle task.
for (const task of project.tasks.all.filter((t) => /^bundle:.*\.lambda$/.test(t.name))) {
  const steps = task.steps;
  task.reset();
  for (const step of steps) {
    const args = step.execArgs ?? [];
    task.execArgs(args[0] === 'esbuild' ? [...args, '--minify'] : args);
  }
}

// Keep compiled test files out of the package.
project.npmignore?.exclude('/example/', '/docs/', '/.ci/');

// The main job: a real `cdk synth` of the example app through the aws-cdk CLI, then a summary
// of what the synthesized template declares.
const example = project.addTask('example', {
  description: 'Synthesize the example app with the aws-cdk CLI and show what it declares',
});
example.spawn(project.tasks.tryFind('compile')!);
example.exec('cdk synth --app "npx ts-node --prefer-ts-exts example/app.ts" --output example/cdk.out --quiet');
example.exec('ts-node --prefer-ts-exts example/summarize.ts example/cdk.out');

// Quick start: each command installs what it needs on a fresh clone.
project.package.setScript('quickstart:example', 'npm ci --no-audit --no-fund && projen example');
project.package.setScript('quickstart:test', 'npm ci --no-audit --no-fund && projen test:ci');

const testCi = project.addTask('test:ci', {
  description: 'Everything CI checks: build the handler bundle, compile, run every test',
});
testCi.spawn(project.tasks.tryFind('pre-compile')!);
testCi.spawn(project.tasks.tryFind('compile')!);
testCi.spawn(project.tasks.tryFind('test')!);

project.synth();
