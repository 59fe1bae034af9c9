/**
 * Jest setup (every test file): the AWS SDK's notice that its releases after January 2027 need
 * Node.js 22 is printed once per process, on Node 20, as several lines among the test results.
 * It says nothing about the tests; a test that wants the SDK's default removes the variable.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
