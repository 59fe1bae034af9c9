/**
 * Whether ongoing events have reached a log group, as the orchestrator (the cutover, the stop of
 * Lake ingestion) and the `status` command both ask it: FilterLogEvents from a time on.
 */
import { FilterLogEventsCommand, FilterLogEventsCommandOutput } from '@aws-sdk/client-cloudwatch-logs';
import { classifyError } from './aws-errors';

/** Pages read at most before a group counts as having no event (a page may come back empty with a token). */
const MAX_EMPTY_PAGES = 5;

/**
 * The earliest timestamp on the first page that has events, from `since` on; undefined when there
 * is none yet or the group does not exist (a telemetry rule creates it with its first delivery).
 * Whatever order a page is in, its earliest is no earlier than the group's. `send` carries the
 * caller's retries and abort signal.
 */
export async function earliestEventSince(
  send: (command: FilterLogEventsCommand) => Promise<FilterLogEventsCommandOutput>, logGroupName: string, since: number, limit: number,
): Promise<number | undefined> {
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_EMPTY_PAGES; page++) {
    let answer: FilterLogEventsCommandOutput;
    try {
      answer = await send(new FilterLogEventsCommand({ logGroupName, startTime: since, limit, nextToken }));
    } catch (error) {
      if (classifyError(error) === 'not-found') return undefined;
      throw error;
    }
    const times = (answer.events ?? []).map((e) => e.timestamp).filter((t): t is number => t !== undefined);
    if (times.length > 0) return Math.min(...times);
    nextToken = answer.nextToken;
    if (!nextToken) return undefined;
  }
  return undefined;
}
