import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ImportEvent, ImportLifecycle } from './handler/import-lifecycle';

/**
 * Test-only: scales every wait (backoff, retry budget) so that tests of the bundled asset run
 * in seconds. Unset in a deployed function.
 */
const timeScale = Number(process.env.IMPORT_HANDLER_TIME_SCALE ?? '1') || 1;

// Clients at module scope: reused across warm invocations.
const client = new CloudWatchLogsClient({});
// CreateImportTask has no client token: the SDK must not retry it blindly (the handler adopts instead).
const createClient = new CloudWatchLogsClient({ maxAttempts: 1 });

const lifecycle = new ImportLifecycle({
  client,
  createClient,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => Date.now(),
  random: Math.random,
  log: (line) => console.log(line),
  // "A few minutes" for IAM propagation; the function's timeout leaves room after it.
  retryBudgetMs: 4 * 60_000 * timeScale,
  baseDelayMs: 1_000 * timeScale,
  maxDelayMs: 30_000 * timeScale,
  // Longer than one invocation plus Lambda's asynchronous retries of the framework.
  adoptionWindowMs: 30 * 60_000,
});

/** onEvent and isComplete of the provider framework: one function serves both. */
export async function handler(event: ImportEvent) {
  console.log(JSON.stringify({ ...event, ResponseURL: undefined }));
  return lifecycle.handle(event);
}
