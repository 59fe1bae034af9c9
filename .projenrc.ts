import { awscdk, javascript, JsonFile } from 'projen';
import { UpdateSnapshot } from 'projen/lib/javascript';

/**
 * The minimum aws-cdk-lib is chosen on purpose:
 * 2.257.0 is the first release with the policy-validation `Validations` API (acknowledgements)
 * that cdk-nag v3 reads; the construct acknowledges its few unavoidable findings through it, so
 * that users of cdk-nag v3 see them acknowledged (users of cdk-nag v2 get the same through
 * `cdk_nag` metadata). cdk-nag v3 itself runs only from 2.258.0, the first release that gives
 * plugins the construct tree (README, Security checks; test/compliance/cdk-nag.test.ts).
 * Everything else the construct uses (Provider with explicit log groups,
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

  // The library needs nothing at run time besides aws-cdk-lib and constructs: the deploy-time
  // function and the CLI (`status`, `preflight`) are esbuild bundles (assets/) that carry their
  // own SDK clients, commander and cli-progress. The CLI's sources are no part of jsii's
  // compilation (excludeTypescript below): tsc checks them through tsconfig.dev.json, esbuild builds them.
  devDeps: [
    // Bundled into the orchestrator function (esbuild). DynamoDB: the ledger, which `status` reads too.
    CLOUDWATCH_LOGS_SDK,
    '@aws-sdk/client-dynamodb@^3.952.0',
    '@aws-sdk/lib-dynamodb@^3.952.0',
    '@aws-sdk/client-sfn@^3.952.0',
    '@aws-sdk/client-sns@^3.952.0',
    // The hand-made ObservabilityAdmin client (src/shared/observability-admin.ts) is
    // built from the SDK's own building blocks, the ones the clients above already depend on;
    // bundled into the orchestrator function and the CLI (preflight) only. Replace them with
    // @aws-sdk/client-observabilityadmin once the registry serves it.
    '@smithy/signature-v4@^5.7.5',
    '@smithy/core@^3.41.1',
    '@smithy/node-http-handler@^4.14.2',
    '@aws-sdk/credential-provider-node@^3.972.99',
    // Bundled into the CLI only (bundle:cli): CloudFormation is read by `status --stack` and
    // `preflight --stack`; CloudTrail, KMS, IAM and STS by `preflight`.
    '@aws-sdk/client-cloudformation@^3.952.0',
    '@aws-sdk/client-cloudtrail@^3.952.0',
    '@aws-sdk/client-kms@^3.952.0',
    '@aws-sdk/client-iam@^3.952.0',
    '@aws-sdk/client-sts@^3.952.0',
    'commander@^14',
    'cli-progress@^3',
    '@types/cli-progress',
    'cdk-nag@^3',
    '@cdklabs/cdk-validator-cfnguard',
    '@aws-cdk/integ-tests-alpha@2.245.0-alpha.0',
    'aws-sdk-client-mock@^4',
    'aws-sdk-client-mock-jest@^4',
    'aws-cdk@^2.1100.0',
    'esbuild',
    // The deploy-time tests: the state machine run locally, the ledger on a real DynamoDB
    // implementation. aws-local-stepfunctions 3.0.0 (the only release the registry serves) declares
    // node >= 22 for one call, Promise.withResolvers: on Node 20, the minimum here, `npm ci` printed an
    // EBADENGINE warning for it. vendor/ holds the same release with that call polyfilled and
    // engines >= 20 (vendor/repack-aws-local-stepfunctions.sh makes it from the registry's tarball).
    'aws-local-stepfunctions@file:vendor/aws-local-stepfunctions-3.0.0-node20.tgz',
    // test/engines.test.ts compares the lock's engines with the running Node.js.
    'semver',
    '@types/semver',
    'dynalite@^4',
    // The IAM stand-in of the preflight tests evaluates policies with a real policy engine.
    '@cloud-copilot/iam-simulate',
  ],

  experimentalIntegRunner: true,

  // The CLI is a program of its own, shipped as one bundle (bundle:cli): jsii does not compile it
  // into lib/, where its imports (devDependencies) would not resolve.
  excludeTypescript: ['src/status/**', 'src/preflight/**'],

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

// The package is what users run: no example, docs, CI, benchmarks, rosetta fixtures or vendored dev tools
// (test/package-contents.test.ts checks the list `npm pack` makes).
project.npmignore?.exclude('/example/', '/docs/', '/.ci/', '/bench/', '/rosetta/', '/vendor/');

// npm 11.19+ skips dependencies' install scripts unless package.json decides, and lists the
// undecided ones after every install. None is needed: esbuild's postinstall only checks the
// binary its platform package already installed, and @parcel/watcher (a dependency of the tools) and
// classic-level (dynalite's LevelDB, for the deploy-time tests) build from source only where their
// package ships no prebuilt binary (both ship linux, macOS and Windows ones). Deny them explicitly:
// same behaviour, no list.
project.package.addField('allowScripts', { 'esbuild': false, '@parcel/watcher': false, 'classic-level': false });

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
// npm's warnings stay out of the way (errors still show); plain `npm ci` prints no engine warning on
// Node 20 either (test/engines.test.ts).
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
// The vendored aws-local-stepfunctions (see devDeps) is a tarball: keep it, unlike the build's *.tgz.
project.gitignore.include('vendor/*.tgz');
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
  description: 'Check the translations rosetta:extract made: Python that compiles, Java that parses (with a JDK), none of the known bad forms in any language (test/translations/rules.ts)',
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
// The status and preflight commands: one esbuild bundle, as the deploy-time function is, built by
// `bundle` (so before compile, tests and packaging). Everything inside but aws-cdk-lib (a peer
// dependency: the CLI reads its region list, 1.2 MB that every consumer has installed already);
// Node.js 20 is the package's minimum. esbuild keeps cli.ts's `#!/usr/bin/env node` line.
const CLI_BUNDLE = 'assets/cli/index.js';
const bundleCli = project.addTask('bundle:cli', {
  description: `Bundle the status/preflight CLI (src/status/cli.ts) into ${CLI_BUNDLE}`,
});
bundleCli.execArgs(['esbuild', '--bundle', 'src/status/cli.ts', '--target=node20', '--platform=node', `--outfile=${CLI_BUNDLE}`,
  '--tsconfig=test/tsconfig.json', '--minify', '--external:aws-cdk-lib', '--log-level=warning']);
project.tasks.tryFind('bundle')!.spawn(bundleCli);
project.addBins({ 'cdk-eventdatastore-import': CLI_BUNDLE });
// Outside jsii's tsconfig.json, the CLI's folders get one of their own, so that eslint's typed
// rules (the project service takes the nearest tsconfig.json) and editors check them as before.
for (const dir of ['src/status', 'src/preflight']) {
  new JsonFile(project, `${dir}/tsconfig.json`, {
    obj: { extends: '../../tsconfig.json', compilerOptions: { noEmit: true, rootDir: '../..' }, include: ['**/*.ts'], exclude: [] },
  });
}
// Compiled by an older checkout's jsii (before excludeTypescript): never shipped.
project.npmignore?.exclude('/lib/status/', '/lib/preflight/');

// The benchmarks (never part of test:ci).
const bench = project.addTask('bench', {
  description: 'Benchmark synth time, template size, the orchestrator bundle and a simulated migration (its own jest run, bench/jest.config.js); writes docs/BENCHMARKS.md (--quick: a short trial run)',
});
bench.spawn(project.tasks.tryFind('bundle')!);
bench.exec('ts-node --project bench/tsconfig.json bench/run.ts', { receiveArgs: true });
const benchCli = project.addTask('bench:cli', {
  description: 'Measure the CLI bundle\'s start time and the package size; rewrites that section of docs/BENCHMARKS.md',
});
benchCli.spawn(bundleCli);
benchCli.exec('ts-node --project bench/tsconfig.json bench/cli.ts', { receiveArgs: true });
const benchScale = project.addTask('bench:scale', {
  description: 'Measure the per-stack maxima of each configuration (stores per stack within every limit, template bytes per import); rewrites that section of docs/BENCHMARKS.md (--print: print it)',
});
benchScale.spawn(project.tasks.tryFind('bundle')!);
benchScale.exec('ts-node --project bench/tsconfig.json bench/scale.ts', { receiveArgs: true });

// The orchestrator function's and the CLI's SDK clients (and the hand-made ObservabilityAdmin
// client's building blocks) are bundled into their assets by esbuild at build time: their sources
// may import devDependencies (the library itself never loads them at run time).
project.eslint?.addOverride({
  files: [
    'src/orchestrator/**/*.ts', 'src/shared/observability-admin.ts', 'src/telemetry-evaluation/telemetry-evaluation-requests.ts',
    'src/status/**/*.ts', 'src/preflight/**/*.ts', 'src/ledger/ledger.ts', 'src/shared/log-events.ts',
  ],
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
// The README's install steps, run as written: build the package, install the file they name in a new
// app (offline, from the npm cache), synthesize there. `-- --fresh` runs them in a fresh clone.
const testInstall = project.addTask('test:install', {
  description: 'Follow the README\'s install steps as written: build the npm package, install it in a new CDK app from the npm cache, synthesize (--fresh: in a fresh clone)',
  steps: [{ exec: 'ts-node --prefer-ts-exts test/install/run.ts', receiveArgs: true }],
});
testCi.spawn(testInstall);
testCi.spawn(latestCdk);

project.synth();
