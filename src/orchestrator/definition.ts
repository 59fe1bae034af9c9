/**
 * The orchestrator state machine: one execution per import request. A migration's import first
 * waits for the cutover (its window's end, measured); then it waits for a free slot,
 * creates the import once, settles a CreateImportTask whose answer was lost, watches the import to
 * its end, and tells EventBridge how it ended (the finish step also tells the import's SNS topic); a migration that stops Lake ingestion then
 * waits out the parallel run and stops it. Every decision is a step of the deploy-time function
 * (steps.ts); the state machine only waits and routes, durably, for as long as the queue takes.
 *
 * A Standard execution's history holds 25,000 events, and past them it fails outside every Catch.
 * So every wait is counted, and after POLLS_PER_EXECUTION of them the execution continues as a new
 * one (the HandOver step: the record's next generation), which resumes at the step the old one
 * would have run. Everything else the record holds (its state, the slot lease, the pending answers,
 * the stop plan) is in the ledger and carries over as it is.
 */
import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { EVENT_SOURCE } from './contract';
import type { Outcome, StepName } from './steps';

export interface DefinitionOptions {
  readonly handler: lambda.IFunction;
  /** Between two looks at the slots, and at a running import. */
  readonly pollInterval: Duration;
}

/** Between two looks for an import whose CreateImportTask answer was lost. */
export const SETTLE_INTERVAL = Duration.seconds(30);
/** Before CreateImportTask is sent again after an IAM error (a role still propagating). */
export const PERMISSION_RETRY_INTERVAL = Duration.seconds(60);

/**
 * Waits an execution makes before it hands over to its next generation. A wait, its count, the
 * budget check, the step and its routing write 13 history events; 800 of them are about 10,400,
 * and even a step retried four times every time stays under 25,000.
 */
export const POLLS_PER_EXECUTION = 800;

/** How often a failed hand-over is tried again, a poll interval apart, before the record fails (a few hundred history events at most). */
export const HAND_OVER_ATTEMPTS = 48;

/** The steps a wait leads to: where a new generation resumes (the `resumeAt` of its input). */
const RESUMABLE = ['awaitCutover', 'acquireSlot', 'createImport', 'settle', 'watch', 'stopIngestion'] as const satisfies readonly StepName[];
type Resumable = (typeof RESUMABLE)[number];

export function orchestratorDefinition(scope: Construct, options: DefinitionOptions): sfn.IChainable {
  const step = (id: string, name: StepName) => {
    const task = new tasks.LambdaInvoke(scope, id, {
      lambdaFunction: options.handler,
      payload: sfn.TaskInput.fromObject({ step: name, table: sfn.JsonPath.stringAt('$.table'), key: sfn.JsonPath.objectAt('$.key') }),
      payloadResponseOnly: true,
      resultPath: '$.result',
      // Lambda's own hiccups, and a step that failed on something passing: try again before giving up.
      retryOnServiceExceptions: false,
    });
    task.addRetry({ errors: ['States.ALL'], interval: Duration.seconds(10), backoffRate: 3, maxAttempts: 4 });
    return task;
  };
  const is = (outcome: Outcome) => sfn.Condition.stringEquals('$.result.outcome', outcome);

  const awaitCutover = step('AwaitCutover', 'awaitCutover');
  const acquireSlot = step('AcquireSlot', 'acquireSlot');
  const createImport = step('CreateImport', 'createImport');
  const settle = step('Settle', 'settle');
  const watch = step('Watch', 'watch');
  const finish = step('Finish', 'finish');
  const stopIngestion = step('StopIngestion', 'stopIngestion');
  const steps: Record<Resumable, sfn.TaskStateBase> = { awaitCutover, acquireSlot, createImport, settle, watch, stopIngestion };

  // The record's next generation takes over: a new execution, started at the step this one would run next.
  const handOver = new tasks.LambdaInvoke(scope, 'HandOver', {
    lambdaFunction: options.handler,
    payload: sfn.TaskInput.fromObject({
      step: 'handOver',
      table: sfn.JsonPath.stringAt('$.table'),
      key: sfn.JsonPath.objectAt('$.key'),
      resumeAt: sfn.JsonPath.stringAt('$.polls.resumeAt'),
      execution: sfn.JsonPath.stringAt('$$.Execution.Name'),
      stateMachine: sfn.JsonPath.stringAt('$$.StateMachine.Id'),
    }),
    payloadResponseOnly: true,
    resultPath: '$.result',
    retryOnServiceExceptions: false,
  });
  handOver.addRetry({ errors: ['States.ALL'], interval: Duration.seconds(10), backoffRate: 3, maxAttempts: 4 });
  handOver.next(new sfn.Succeed(scope, 'HandedOver'));

  /** A wait before `next`, counted; past the budget the next generation runs `next` instead. */
  const wait = (id: string, time: sfn.WaitTime, next: Resumable) => new sfn.Wait(scope, id, { time })
    .next(new sfn.Pass(scope, `Count${id}`, {
      parameters: { 'count.$': 'States.MathAdd($.polls.count, 1)', 'resumeAt': next },
      resultPath: '$.polls',
    }))
    .next(new sfn.Choice(scope, `${id}Budget?`)
      .when(sfn.Condition.numberGreaterThanEquals('$.polls.count', POLLS_PER_EXECUTION), handOver)
      .otherwise(steps[next]));
  const waitForCutover = wait('WaitForCutover', sfn.WaitTime.duration(options.pollInterval), 'awaitCutover');
  const waitForSlot = wait('WaitForSlot', sfn.WaitTime.duration(options.pollInterval), 'acquireSlot');
  const waitToSettle = wait('WaitToSettle', sfn.WaitTime.duration(SETTLE_INTERVAL), 'settle');
  const waitToRetry = wait('WaitToRetryCreate', sfn.WaitTime.duration(PERMISSION_RETRY_INTERVAL), 'createImport');
  const waitForProgress = wait('WaitForProgress', sfn.WaitTime.duration(options.pollInterval), 'watch');

  const recordFailure = step('RecordFailure', 'recordFailure').next(new sfn.Fail(scope, 'Failed', {
    error: 'OrchestratorFailed',
    cause: 'A step failed after its retries; the owner record says why (npx cdk-eventdatastore-import status).',
  }));
  for (const task of [awaitCutover, acquireSlot, createImport, settle, watch, finish, stopIngestion]) {
    task.addCatch(recordFailure, { errors: ['States.ALL'], resultPath: '$.error' });
  }
  // A hand-over that fails after its retries (StartExecution throttled, the state machine being
  // updated) must not fail an import that runs on: it is tried again a poll interval later (the name
  // and input are fixed, so a repeat is idempotent), HAND_OVER_ATTEMPTS times before the record fails.
  const giveUpHandOver = new sfn.Choice(scope, 'HandOverGiveUp?')
    .when(sfn.Condition.numberGreaterThanEquals('$.handOverRetries.count', HAND_OVER_ATTEMPTS), recordFailure)
    .otherwise(new sfn.Wait(scope, 'WaitToRetryHandOver', { time: sfn.WaitTime.duration(options.pollInterval) }).next(handOver));
  const countHandOverRetry = new sfn.Choice(scope, 'HandOverRetried?')
    .when(sfn.Condition.isPresent('$.handOverRetries.count'), new sfn.Pass(scope, 'CountHandOverRetry', {
      parameters: { 'count.$': 'States.MathAdd($.handOverRetries.count, 1)' },
      resultPath: '$.handOverRetries',
    }).next(giveUpHandOver))
    .otherwise(new sfn.Pass(scope, 'FirstHandOverRetry', { result: sfn.Result.fromObject({ count: 1 }), resultPath: '$.handOverRetries' }).next(giveUpHandOver));
  handOver.addCatch(countHandOverRetry, { errors: ['States.ALL'], resultPath: '$.error' });

  const publish = (id: string) => new tasks.EventBridgePutEvents(scope, id, {
    entries: [{
      source: EVENT_SOURCE,
      detailType: sfn.JsonPath.stringAt('$.result.detailType'),
      detail: sfn.TaskInput.fromJsonPathAt('$.result.detail'),
    }],
    resultPath: sfn.JsonPath.DISCARD,
  });
  const done = new sfn.Succeed(scope, 'Done');

  // A migration that stops Lake ingestion waits out the parallel run after the import, then stops it.
  const waitForParallelRun = wait('WaitForParallelRun', sfn.WaitTime.timestampPath('$.result.stopIngestionAt'), 'stopIngestion');
  const parallelRun = new sfn.Choice(scope, 'StopLakeIngestion?')
    .when(sfn.Condition.isPresent('$.result.stopIngestionAt'), waitForParallelRun)
    .otherwise(done);
  const notifyImport = publish('PublishEvent');
  // A notification that cannot be sent must not fail an import that has ended.
  notifyImport.addCatch(parallelRun, { errors: ['States.ALL'], resultPath: sfn.JsonPath.DISCARD });
  finish.next(new sfn.Choice(scope, 'Notify?')
    .when(sfn.Condition.booleanEquals('$.result.notify', true), notifyImport.next(parallelRun))
    .otherwise(parallelRun));

  const notifyStop = publish('PublishIngestionEvent');
  notifyStop.addCatch(done, { errors: ['States.ALL'], resultPath: sfn.JsonPath.DISCARD });
  stopIngestion.next(new sfn.Choice(scope, 'Stopped?')
    // The parallel run not over (an Update lengthened it): sleep until its end; over, but no recent events: poll.
    .when(sfn.Condition.and(is('STOP_PENDING'), sfn.Condition.isPresent('$.result.stopIngestionAt')), waitForParallelRun)
    .when(is('STOP_PENDING'), wait('WaitToStopIngestion', sfn.WaitTime.duration(options.pollInterval), 'stopIngestion'))
    .when(sfn.Condition.booleanEquals('$.result.notify', true), notifyStop.next(done))
    .otherwise(done));

  awaitCutover.next(new sfn.Choice(scope, 'CutoverReady?')
    .when(is('CUTOVER_READY'), acquireSlot)
    .when(is('CUTOVER_PENDING'), waitForCutover)
    .when(is('NOT_CREATED'), acquireSlot)
    .when(is('UNCERTAIN'), waitToSettle)
    .when(is('STARTED'), waitForProgress)
    .otherwise(finish));

  acquireSlot.next(new sfn.Choice(scope, 'SlotFree?')
    .when(is('ACQUIRED'), createImport)
    .when(is('BUSY'), waitForSlot)
    .when(is('NOT_CREATED'), waitForSlot)
    .when(is('UNCERTAIN'), waitToSettle)
    .when(is('STARTED'), waitForProgress)
    .otherwise(finish));
  createImport.next(new sfn.Choice(scope, 'Created?')
    .when(is('STARTED'), waitForProgress)
    .when(is('UNCERTAIN'), waitToSettle)
    .when(is('RETRY_SOON'), waitToRetry)
    .when(is('RETRY_LATER'), waitForSlot)
    .when(is('NOT_CREATED'), waitForSlot)
    .otherwise(finish));
  settle.next(new sfn.Choice(scope, 'Settled?')
    .when(is('STARTED'), waitForProgress)
    .when(is('UNCERTAIN'), waitToSettle)
    .when(is('NOT_CREATED'), createImport)
    .otherwise(finish));
  watch.next(new sfn.Choice(scope, 'Ended?')
    .when(is('IN_PROGRESS'), waitForProgress)
    .when(is('STARTED'), waitForProgress)
    .otherwise(finish));

  // Generation 0 starts at the cutover; a later one where its predecessor left off. Each counts its own waits.
  const resume = new sfn.Choice(scope, 'Resume?');
  for (const name of RESUMABLE) {
    resume.when(sfn.Condition.and(sfn.Condition.isPresent('$.resumeAt'), sfn.Condition.stringEquals('$.resumeAt', name)), steps[name]);
  }
  return new sfn.Pass(scope, 'Start', { result: sfn.Result.fromObject({ count: 0 }), resultPath: '$.polls' })
    .next(resume.otherwise(awaitCutover));
}
