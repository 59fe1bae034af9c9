/**
 * Adversarial review of the deploy-time code: sequences and races that break a promise of the
 * README's lifecycle (never a duplicate import; never delete data it does not own; never leave work
 * running that CloudFormation gave up on; every failure a message a person can act on). Each test
 * asserts the correct final state; a failing test is a finding.
 */
import { SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { endScenario, H1_2026, LOG_GROUP, recordsOf, ScenarioWorld, sleep, startScenario, storeArn, synthesize, until, Y2025 } from './scenario-world';
import { OwnerRecord } from '../../src/ledger/record';
import { inventedPhysicalId } from '../cloudformation-driver/driver';
import * as seq from '../cloudformation-driver/sequences';

jest.setTimeout(60_000);

const DESTROYED = { timeRange: Y2025, removalPolicy: RemovalPolicy.DESTROY };

let s: ScenarioWorld;
afterEach(async () => endScenario(s));

async function records(): Promise<OwnerRecord[]> {
  return recordsOf(s);
}

function created() {
  return s.world.logs.createdImports();
}

function running() {
  return s.world.logs.imports.filter((i) => i.importStatus === 'IN_PROGRESS');
}

describe('review: work CloudFormation gave up on', () => {
  test('a replacement Update whose answer is lost, then the rollback Update: the replacement\'s import does not run on', async () => {
    s = await startScenario({ Import: { timeRange: Y2025 } }, { logs: { autoAdvance: 0 } });
    const d = s.world.driver;
    await seq.createStack(d, s.ids.Import, s.props('Import'));
    await until(() => created().length === 1);
    const [old] = created();
    const oldId = d.physicalId(s.ids.Import)!;
    const oldProps = d.properties.get(s.ids.Import)!;
    const newProps = s.props('Import', H1_2026);

    // The Update (a replacement) is answered, but the answer is lost: CloudFormation times out the
    // resource, rolls back with an Update carrying the old properties and the old ID, and never
    // hears of the new ID (so it never deletes it).
    d.setStackStatus('UPDATE_IN_PROGRESS');
    d.setResource(s.ids.Import, oldId, 'UPDATE_IN_PROGRESS');
    const update = d.event('Update', s.ids.Import, newProps, { physicalResourceId: oldId, oldProperties: oldProps });
    d.invoke(update);
    await d.await(update);
    d.setResource(s.ids.Import, oldId, 'UPDATE_FAILED', oldProps);
    d.setStackStatus('UPDATE_ROLLBACK_IN_PROGRESS');
    const rollback = await d.request(d.event('Update', s.ids.Import, oldProps, { physicalResourceId: oldId, oldProperties: newProps }));
    d.setStackStatus('UPDATE_ROLLBACK_COMPLETE');
    await d.settled();
    await sleep(500);

    expect(rollback.status).toBe('SUCCESS');
    expect(rollback.response?.PhysicalResourceId).toBe(oldId);
    // Only the old import may run: the replacement's record is work CloudFormation gave up on.
    expect(running().map((i) => i.importId)).toEqual([old.importId]);
    expect((await records()).filter((r) => r.sk !== oldId && ['SCHEDULED', 'CREATING', 'UNCERTAIN', 'STARTED'].includes(r.state))).toEqual([]);
  });

  test('a Create delivered late (Lambda\'s async retry), after CloudFormation already deleted the resource with an invented ID, starts nothing', async () => {
    s = await startScenario({ Import: { timeRange: Y2025 } }, { logs: { autoAdvance: 0 } });
    const d = s.world.driver;
    d.setStackStatus('CREATE_IN_PROGRESS');
    d.setResource(s.ids.Import, undefined, 'CREATE_IN_PROGRESS');
    const create = d.event('Create', s.ids.Import, s.props('Import'));
    // The first delivery failed before it wrote anything; another resource fails meanwhile.
    d.setResource(s.ids.Import, undefined, 'CREATE_FAILED');
    d.setStackStatus('ROLLBACK_IN_PROGRESS');
    const deleted = await d.request(d.event('Delete', s.ids.Import, s.props('Import'), { physicalResourceId: inventedPhysicalId(d.stackName, s.ids.Import) }));
    d.setStackStatus('ROLLBACK_COMPLETE');
    expect(deleted.status).toBe('SUCCESS');
    // Lambda retries the Create minutes later.
    d.invoke(create);
    await d.settled();
    await sleep(500);
    expect(created()).toEqual([]);
    expect(s.world.stepFunctions.running()).toEqual([]);
  });

  test('a Delete that comes right after CreateImportTask, before DescribeImportTasks lists the import, really cancels it', async () => {
    s = await startScenario({ Import: DESTROYED }, { logs: { autoAdvance: 0, listingLagMs: 5_000 } });
    await seq.createStack(s.world.driver, s.ids.Import, s.props('Import'));
    await until(async () => (await records())[0]?.state === 'STARTED');
    const [outcome] = await seq.deleteStack(s.world.driver);
    expect(outcome.status).toBe('SUCCESS');
    expect((await records())[0].state).toBe('CANCELLED');
    // The record says CANCELLED: so must the service.
    expect(created()[0].importStatus).toBe('CANCELLED');
    expect(s.world.logs.cancelledImportIds()).toEqual([created()[0].importId]);
  });

  test('an import still running when its execution failed is cancelled by the rollback Delete', async () => {
    s = await startScenario({ Import: { ...DESTROYED, waitForCompletion: true } }, { logs: { autoAdvance: 0 } });
    const d = s.world.driver;
    d.setStackStatus('CREATE_IN_PROGRESS');
    d.setResource(s.ids.Import, undefined, 'CREATE_IN_PROGRESS');
    const create = d.event('Create', s.ids.Import, s.props('Import'));
    d.invoke(create);
    await until(async () => (await records())[0]?.state === 'STARTED');
    // Watching breaks for longer than the step's retries (throttled or refused for minutes).
    s.world.logs.serverErrorNext(1_000_000, 'DescribeImportTasks');
    const first = await d.await(create);
    s.world.logs.clearFaults();
    expect(first.status).toBe('FAILED');
    expect((await records())[0].state).toBe('FAILED');
    expect(created()[0].importStatus).toBe('IN_PROGRESS');
    // CloudFormation rolls the stack back: Delete with the record ID the FAILED answer carried.
    d.setStackStatus('ROLLBACK_IN_PROGRESS');
    const deleted = await d.request(d.event('Delete', s.ids.Import, s.props('Import'), { physicalResourceId: first.response!.PhysicalResourceId }));
    d.setStackStatus('ROLLBACK_COMPLETE');
    expect(deleted.status).toBe('SUCCESS');
    expect(created()[0].importStatus).toBe('CANCELLED');
  });
});

describe('review: requests never answered', () => {
  test('a Delete that waits for an uncertain CreateImportTask is answered even when the execution then fails', async () => {
    // The listing lags longer than the test: the record stays UNCERTAIN while the Delete comes.
    s = await startScenario({ Import: DESTROYED }, { logs: { autoAdvance: 0, listingLagMs: 60_000 } });
    s.world.logs.dropAfterProcessingNext(1, 'CreateImportTask');
    await seq.createStack(s.world.driver, s.ids.Import, s.props('Import'));
    await until(async () => (await records())[0]?.state === 'UNCERTAIN', 20_000);
    const deletion = seq.deleteStack(s.world.driver);
    await until(async () => !!(await records())[0]?.pendingDelete);
    // Settling cannot read the service any more: the step's retries run out, RecordFailure runs.
    s.world.logs.serverErrorNext(1_000_000, 'DescribeImportTasks');
    const [outcome] = await deletion;
    s.world.logs.clearFaults();
    expect(outcome.status).not.toBe('TIMED_OUT');
    expect(outcome.response?.Reason).toBeDefined();
  });

  test('a settings Update to waitForCompletion of a queued import whose execution was stopped (the README\'s "pause") is answered', async () => {
    s = await startScenario({ Import: { timeRange: Y2025 } }, { logs: { autoAdvance: 0 } });
    [1, 2, 3].map(() => s.world.logs.addImport({ importSourceArn: storeArn('elsewhere') }));
    await seq.createStack(s.world.driver, s.ids.Import, s.props('Import'));
    await until(async () => !!(await records())[0]?.executionArn);
    const [record] = await records();
    const sfn = new SFNClient({ endpoint: s.world.stepFunctions.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
    await sfn.send(new StopExecutionCommand({ executionArn: record.executionArn, cause: 'paused by a person' }));
    sfn.destroy();
    const { first } = await seq.updateStack(s.world.driver, s.ids.Import, s.props('Import', { WaitForCompletion: 'true', TimeoutSeconds: '3000' }));
    // CloudFormation would wait the whole hour for an answer nobody is left to send.
    expect(first.status).not.toBe('TIMED_OUT');
    expect(first.response?.Reason ?? '').toMatch(/stopped|paused|not running/i);
    // Let the foreign imports end so that the world can close.
    s.world.logs.imports.filter((i) => !i.createdByApi).forEach((i) => s.world.logs.completeImport(i.importId));
  });
});

describe('review: FACTS.md unknowns', () => {
  test.each(['ValidationException', 'InvalidParameterException'])(
    'the 3-import limit answered as %s (the error is undocumented) queues the import, it does not fail it', async (limitError) => {
      s = await startScenario({ Import: { timeRange: Y2025 } }, { logs: { autoAdvance: 1, limitError } });
      let raced = false;
      // Another stack's imports start between this execution's slot check and its CreateImportTask.
      s.world.logs.beforeProcessing = (operation) => {
        if (operation !== 'CreateImportTask' || raced) return;
        raced = true;
        [1, 2, 3].forEach(() => s.world.logs.addImport({ importSourceArn: storeArn('other-stack') }));
      };
      s.world.logs.addEventDataStore({ arn: storeArn('other-stack') });
      await seq.createStack(s.world.driver, s.ids.Import, s.props('Import'));
      await s.world.idle();
      const [record] = await records();
      expect(record.errorMessage).toBeUndefined();
      expect(record.state).toBe('COMPLETED');
      expect(created()).toHaveLength(1);
    });
});

describe('review: responses', () => {
  test('a FAILED answer quoting long service messages (quotes, non-ASCII) stays within CloudFormation\'s 4 KB', async () => {
    s = await startScenario({ Import: { timeRange: Y2025, waitForCompletion: true } }, { logs: { autoAdvance: 0 } });
    const run = seq.createStack(s.world.driver, s.ids.Import, s.props('Import'));
    await until(() => created().length === 1);
    const denial = 'User: "arn:aws:sts::111122223333:assumed-role/Import/cloudtrail" is not authorized to perform "kms:Decrypt" on ' +
      '"arn:aws:kms:us-east-1:111122223333:key/0b4f…" with an explicit deny in a resource-based policy: ' +
      '{"Effect":"Deny","Principal":{"AWS":"*"},"Action":["kms:Decrypt","kms:GenerateDataKey"],"Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalAccount":"111122223333"}}}. ';
    s.world.logs.failImport(created()[0].importId, denial.repeat(12));
    const { first } = await run;
    expect(first.status).toBe('FAILED');
    const bytes = Math.max(...s.world.driver.responses.map((r) => Buffer.byteLength(JSON.stringify(r))));
    expect(bytes).toBeLessThanOrEqual(4096);
    expect(s.world.driver.responseViolations).toEqual([]);
  });
});

describe('review: messages', () => {
  test('a wait-mode replacement that times out says what the rollback will do to the new import (it is cancelled, not "goes on")', async () => {
    s = await startScenario({ Import: { timeRange: Y2025, waitForCompletion: true } });
    await seq.createStack(s.world.driver, s.ids.Import, s.props('Import'));
    await s.world.idle();
    s.world.logs.options.autoAdvance = 0;
    const { first, delete: deleted } = await seq.updateStack(s.world.driver, s.ids.Import, s.props('Import', { ...H1_2026, TimeoutSeconds: '1' }));
    expect(first.status).toBe('FAILED');
    expect(first.response?.PhysicalResourceId).not.toBe(first.event.PhysicalResourceId);
    expect(deleted?.status).toBe('SUCCESS');
    // What happened to the new import: the rollback deleted the new resource and cancelled it.
    expect(created()[1].importStatus).toBe('CANCELLED');
    expect(first.response?.Reason).not.toContain('The import goes on');
  });

  test('an import the service keeps refusing (throttled) says why in its record, not just QUEUED', async () => {
    s = await startScenario({ Import: { timeRange: Y2025 } }, { logs: { autoAdvance: 1 } });
    s.world.logs.throttleNext(1_000_000, 'CreateImportTask');
    await seq.createStack(s.world.driver, s.ids.Import, s.props('Import'));
    await until(async () => s.world.logs.callCount('CreateImportTask') >= 3 && (await records())[0]?.state === 'SCHEDULED');
    const [record] = await records();
    expect(record.errorMessage ?? '').toContain('ThrottlingException');
    // Let the execution end.
    s.world.logs.clearFaults();
    await until(() => created().length === 1);
  });
});

describe('review: DESTROY', () => {
  test('stack deletion under DESTROY after a replacement deletes the log group only this stack\'s imports wrote to', async () => {
    s = await startScenario({ Import: { timeRange: Y2025, removalPolicy: RemovalPolicy.DESTROY } });
    await seq.createStack(s.world.driver, s.ids.Import, s.props('Import'));
    await s.world.idle();
    await seq.replacement(s.world.driver, s.ids.Import, s.props('Import', H1_2026));
    await s.world.idle();
    expect(created().map((i) => i.importStatus)).toEqual(['COMPLETED', 'COMPLETED']);
    const [outcome] = await seq.deleteStack(s.world.driver);
    expect(outcome.status).toBe('SUCCESS');
    expect(s.world.logs.deletedLogGroups()).toEqual([LOG_GROUP]);
  });
});

describe('review: timeouts', () => {
  test('a waiting resource gets the orchestrator\'s timeout message before CloudFormation\'s own timeout, whatever the poll interval', () => {
    // A wait plus a poll that cannot fit in CloudFormation's hour is a synth error naming both.
    expect(() => synthesize({
      Import: { timeRange: Y2025, waitForCompletion: true, completionTimeout: Duration.minutes(50), handler: { pollInterval: Duration.minutes(20) } },
    })).toThrow('completionTimeout (50 minutes) plus handler.pollInterval (20 minutes) must be at most 55 minutes');
    const { template, logicalIds } = synthesize({
      Import: { timeRange: Y2025, waitForCompletion: true, completionTimeout: Duration.minutes(35), handler: { pollInterval: Duration.minutes(20) } },
    });
    const serviceTimeout = Number(template.Resources[logicalIds.Import].Properties.ServiceTimeout);
    const machine = Object.values<any>(template.Resources).find((r) => r.Type === 'AWS::StepFunctions::StateMachine');
    const definition = JSON.stringify(machine.Properties.DefinitionString);
    const waitSeconds = Number(/\\"WaitForProgress\\":\{\\"Type\\":\\"Wait\\",\\"Seconds\\":(\d+)/.exec(definition)?.[1]);
    // The deadline is checked once per poll: the answer can be one poll late.
    expect(35 * 60 + waitSeconds).toBeLessThan(serviceTimeout);
  });
});
