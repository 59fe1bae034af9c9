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
  // commit-and-tag-version 13 (projen's default, used only by the release's `bump`) and its
  // conventional-changelog dependencies declare node >= 22: on Node 20, the minimum supported here,
  // `npm ci` printed some 85 EBADENGINE lines for them. 12 does the same job on node >= 18.
  bumpPackage: 'commit-and-tag-version@^12',

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
    runtime: awscdk.LambdaRuntime.NODEJS_24_X,
    bundlingOptions: {
      externals: [],
      sourcemap: false,
    },
  },

  // The status and preflight commands (a bin of the package) need these at run time; jsii
  // requires them bundled. DynamoDB: `status` reads the ledger; CloudTrail, KMS, IAM and STS are
  // read by `preflight`. The orchestrator function bundles its own copies (esbuild).
  bundledDeps: [
    CLOUDWATCH_LOGS_SDK,
    '@aws-sdk/client-cloudformation@^3.952.0',
    '@aws-sdk/client-dynamodb@^3.952.0',
    '@aws-sdk/lib-dynamodb@^3.952.0',
    '@aws-sdk/client-cloudtrail@^3.952.0',
    '@aws-sdk/client-kms@^3.952.0',
    '@aws-sdk/client-iam@^3.952.0',
    '@aws-sdk/client-sts@^3.952.0',
    'commander@^14',
    'cli-progress@^3',
  ],
  devDeps: [
    // Bundled into the orchestrator function only (esbuild), not needed by the package at run time.
    '@aws-sdk/client-sfn@^3.952.0',
    '@aws-sdk/client-sns@^3.952.0',
    // The hand-made ObservabilityAdmin client (src/telemetry-evaluation/observability-admin.ts) is
    // built from the SDK's own building blocks, the ones the clients above already depend on;
    // bundled into the orchestrator function only. Replace them with
    // @aws-sdk/client-observabilityadmin once the registry serves it.
    '@smithy/signature-v4@^5.7.5',
    '@smithy/core@^3.41.1',
    '@smithy/node-http-handler@^4.14.2',
    '@aws-sdk/credential-provider-node@^3.972.99',
    '@types/cli-progress',
    'cdk-nag@^3',
    '@cdklabs/cdk-validator-cfnguard',
    '@aws-cdk/integ-tests-alpha@2.245.0-alpha.0',
    'aws-sdk-client-mock@^4',
    'aws-sdk-client-mock-jest@^4',
    'aws-cdk@^2.1100.0',
    'esbuild',
    // The deploy-time tests: the state machine run locally, the ledger on a real DynamoDB
    // implementation.
    'aws-local-stepfunctions@^3',
    'dynalite@^4',
    // The IAM stand-in of the preflight tests evaluates policies with a real policy engine.
    '@cloud-copilot/iam-simulate',
  ],

  experimentalIntegRunner: true,

  jestOptions: {
    // The test task must fail when a snapshot changes; `npx projen test:update` rewrites them.
    updateSnapshot: UpdateSnapshot.NEVER,
    jestConfig: {
      // Quiet output on every supported Node.js version, and Node 22's Promise.withResolvers
      // (aws-local-stepfunctions v3 calls it) on Node 20: see test/setup/.
      setupFiles: ['<rootDir>/test/setup/env.ts', '<rootDir>/test/setup/polyfills.ts'],
      // The handler bundle (and, on a fresh clone, the jsii build) the tests load: built when
      // missing, the bundle also when src/ is newer, so `npx projen test` works right after `npm ci`.
      globalSetup: '<rootDir>/test/setup/build.ts',
      // One worker per core, not jest's default of one fewer: the slowest files (the deploy-time
      // replays) spend much of their time in compressed waits, not on the CPU. On 2 cores that is
      // 2 workers instead of 1 (the whole suite in band). docs/BENCHMARKS.md, "Test suite timings".
      maxWorkers: '100%',
      // Beside another worker on a loaded machine, a hook that synthesizes a stack and starts dynalite
      // took over jest's default 5 s (six files of test:latest-cdk failed so at load 8.7).
      testTimeout: 30_000,
      snapshotSerializers: ['<rootDir>/test/asset-hash-serializer.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/cdk.out/', '\\.snapshot/'],
      // The bundled handler is tested, but its coverage is the SDK's: count the sources only.
      coveragePathIgnorePatterns: ['/node_modules/', '/assets/'],
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

// The package is what users run: no example, docs, CI, benchmarks or rosetta fixtures
// (test/package-contents.test.ts checks the list `npm pack` makes).
project.npmignore?.exclude('/example/', '/docs/', '/.ci/', '/bench/', '/rosetta/');

// npm 11.19+ skips dependencies' install scripts unless package.json decides, and lists the
// undecided ones after every install. Neither is needed: esbuild's postinstall only checks the
// binary its platform package already installed, and @parcel/watcher (a dependency of the tools)
// builds from source only where no prebuilt binary exists. Deny both explicitly: same behaviour, no list.
project.package.addField('allowScripts', { 'esbuild': false, '@parcel/watcher': false });

// Every task as quiet on Node 20 (supported here, see minNodeVersion) as on newer versions: no
// jsii banners (end-of-life takes the major versions to silence; the others take any value).
project.tasks.addEnvironment('JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION', '20');
project.tasks.addEnvironment('JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION', '1');
project.tasks.addEnvironment('JSII_SILENCE_SUPPORT_WARNING', '1');

// The main job: a real `cdk synth` of the example app through the aws-cdk CLI, then a summary
// of what the synthesized template declares.
const example = project.addTask('example', {
  description: 'Synthesize the example app with the aws-cdk CLI and show what it declares',
});
// On a fresh clone the handler bundle (assets/, not committed) does not exist yet: build it first.
example.spawn(project.tasks.tryFind('pre-compile')!);
example.spawn(project.tasks.tryFind('compile')!);
example.exec('cdk synth --app "npx ts-node --prefer-ts-exts example/app.ts" --output example/cdk.out --quiet');
example.exec('ts-node --prefer-ts-exts example/summarize.ts example/cdk.out');

// Quick start: each command installs what it needs on a fresh clone.
// npm's warnings stay out of the way (errors still show): the one engine warning left on Node 20
// is aws-local-stepfunctions', a test-only dependency that asks for Node 22 for Promise.withResolvers,
// which test/setup/polyfills.ts provides.
const QUIET_CI = 'npm ci --no-audit --no-fund --loglevel=error';
project.package.setScript('quickstart:example', `${QUIET_CI} && projen example`);
project.package.setScript('quickstart:test', `${QUIET_CI} && projen test:ci`);

// ---------------------------------------------------------------------------------------------
// Integration tests (test/integ.*.ts, @aws-cdk/integ-tests-alpha). In CI, `integ` (spawned by
// `test`) only synthesizes each test and compares its templates with the committed snapshot
// (test/integ.*.ts.snapshot/): it deploys nothing and needs neither credentials nor network.
// integ-runner deploys only with --update-on-failed or --force, which CI never passes; asset hashes
// are left out of the comparison (IntegTest's diffAssets defaults to false), so a rebuilt handler
// bundle does not fail it, while any template change does. The tests disable the update workflow
// (it would deploy the previous snapshot first, i.e. start a second import), so integ-runner keeps
// no asset copies of the test stacks; the assertion stacks' copies (integ-tests-alpha's 2 MB
// handler and a CloudWatch Logs client layer) are not needed to compare either: they are
// gitignored. One region (also for a deploying run that names none) runs the tests one after the
// other: one import at a time, under the limit of 3 active imports per account and region.
// Deploying them against a real account: docs/INTEG.md.
project.gitignore.exclude(
  // integ-runner's scratch output, and the asset copies in the snapshots (no leading slash: projen
  // drops every `/test/...` pattern when it adds `!/test/`).
  'cdk-integ.out.*/', 'test/*.snapshot/asset.*', 'test/*.snapshot/.cache/',
  // jsii-rosetta's tablet of translated examples (rosetta:extract).
  '.jsii.tabl.json',
);
const INTEG_OFFLINE = ['--language', 'typescript', '--parallel-regions', 'us-east-1'];
const integ = project.tasks.tryFind('integ')!;
// integ-runner runs each test with `node -r ts-node/register`: transpile only (the type check took
// most of its minute per test; eslint's typed rules and the jest run load the same files).
const TRANSPILE_ONLY = { TS_NODE_TRANSPILE_ONLY: 'true' };
integ.reset();
for (const [k, v] of Object.entries(TRANSPILE_ONLY)) integ.env(k, v);
integ.execArgs(['integ-runner', '$@', ...INTEG_OFFLINE], { receiveArgs: true });
project.addTask('integ:snapshot', {
  description: 'Rewrite the integ snapshots WITHOUT deploying (after an intended template change; unverified against AWS)',
  env: TRANSPILE_ONLY,
  steps: [{ execArgs: ['integ-runner', '$@', ...INTEG_OFFLINE, '--update-on-failed', '--dry-run'], receiveArgs: true }],
});

// ---------------------------------------------------------------------------------------------
// Every jsii language: generate the Python, Java, C# and Go sources from the .jsii assembly
// (`--code-only`: no toolchain, no registry; building wheels/jars/nupkgs/Go modules needs PyPI,
// Maven Central, NuGet and the Go proxy, which `package-all` uses in the release workflow), and
// byte-compile the Python sources, the one language whose compiler needs nothing else.
const codeOnly = project.addTask('package:code-only', {
  description: 'Generate the Python, Java, C# and Go bindings (sources only, offline) into dist/code-only',
});
codeOnly.execArgs(['jsii-pacmak', '--code-only', '--targets', 'python,java,dotnet,go', '--outdir', 'dist/code-only', '--no-npmignore']);
codeOnly.execArgs(['python3', '-m', 'compileall', '-q', 'dist/code-only/python/src']);

// Strict jsii-rosetta: every TypeScript example in README.md and in the API docs (both are in the
// .jsii assembly, so after `compile`) must compile, against rosetta/*.ts-fixture. The same flag in
// the assembly makes Construct Hub's translations strict.
project.package.file.addOverride('jsii.metadata.jsii.rosetta.strict', true);
project.addTask('rosetta:extract', {
  description: 'Compile every TypeScript example of README.md and the API docs (strict), translating them to each jsii language',
  steps: [{ execArgs: ['jsii-rosetta', 'extract', '--strict', '.jsii'] }],
});
const rosettaCheck = project.addTask('rosetta:check', {
  description: 'Check the translations rosetta:extract made: no JavaScript Date, no fixture names, Python that parses',
  steps: [{ exec: 'ts-node --prefer-ts-exts test/check-translations.ts' }],
});

// ---------------------------------------------------------------------------------------------
// The test suite against the LATEST aws-cdk-lib too (the minimum, 2.257.0, is the installed
// devDependency). The latest release goes into node_modules/.cache/latest-aws-cdk-lib, outside
// package.json and package-lock.json (which stay untouched; `npm ci` wipes the directory), and
// test/latest-cdk/jest.config.js maps every require of aws-cdk-lib and constructs inside jest to
// it. Snapshots are recorded there instead of compared: they belong to the minimum version, and a
// newer aws-cdk-lib changes them legitimately (e.g. the Provider framework's Node.js runtime).
const LATEST_CDK_DIR = 'node_modules/.cache/latest-aws-cdk-lib';
const latestCdk = project.addTask('test:latest-cdk', {
  description: 'Run the jest suite against the latest aws-cdk-lib (installed apart; snapshots recorded, not compared)',
});
latestCdk.exec(`rm -rf ${LATEST_CDK_DIR} && mkdir -p ${LATEST_CDK_DIR} && echo '{ "private": true }' > ${LATEST_CDK_DIR}/package.json`);
// npm adds the constructs release that aws-cdk-lib asks for (its peer dependency).
latestCdk.exec(`npm install --prefix ${LATEST_CDK_DIR} --no-save --no-package-lock --no-audit --no-fund aws-cdk-lib@latest`);
latestCdk.exec(`node -e "const v = (p) => require('./${LATEST_CDK_DIR}/node_modules/' + p + '/package.json').version; console.log('aws-cdk-lib', v('aws-cdk-lib'), '/ constructs', v('constructs'))"`);
latestCdk.exec('jest --no-ci --passWithNoTests --config test/latest-cdk/jest.config.js', { receiveArgs: true });

// ---------------------------------------------------------------------------------------------
// For colleagues: the status command, and the benchmarks (never part of test:ci).
project.addBins({ 'cdk-eventdatastore-import': 'lib/status/cli.js' });
const bench = project.addTask('bench', {
  description: 'Benchmark synth time, template size, the orchestrator bundle and a simulated migration (its own jest run, bench/jest.config.js); writes docs/BENCHMARKS.md (--quick: a short trial run)',
});
bench.spawn(project.tasks.tryFind('bundle')!);
bench.exec('ts-node --project bench/tsconfig.json bench/run.ts', { receiveArgs: true });

// The orchestrator function's SDK clients (and the hand-made ObservabilityAdmin client's building blocks) are bundled into its asset by esbuild at build time: its
// sources may import devDependencies (the package itself never loads them at run time).
project.eslint?.addOverride({
  files: ['src/orchestrator/**/*.ts', 'src/telemetry-evaluation/observability-admin.ts', 'src/telemetry-evaluation/telemetry-evaluation-requests.ts'],
  rules: { 'import/no-extraneous-dependencies': ['error', { devDependencies: true, optionalDependencies: false, peerDependencies: true }] },
});

// Lint the example app and the benchmarks too (bench/ has its own tsconfig.json; example/ is
// checked with the root tsconfig's options).
project.eslint?.addLintPattern('example');
project.eslint?.addLintPattern('bench');
project.eslint?.allowDefaultProjectFiles('example/*.ts');

const testCi = project.addTask('test:ci', {
  description: 'Everything CI checks: build the handler bundle, compile, check the examples and every jsii language, run every test (also against the latest aws-cdk-lib)',
});
testCi.spawn(project.tasks.tryFind('pre-compile')!);
testCi.spawn(project.tasks.tryFind('compile')!);
// API.md is committed: it must be what docgen makes of the code.
testCi.spawn(project.tasks.tryFind('docgen')!);
testCi.exec('git diff --exit-code -- API.md || (echo "API.md is out of date: run npx projen docgen and commit it" && exit 1)');
testCi.spawn(project.tasks.tryFind('rosetta:extract')!);
testCi.spawn(rosettaCheck);
testCi.spawn(codeOnly);
testCi.spawn(project.tasks.tryFind('test')!);
testCi.spawn(latestCdk);

project.synth();
