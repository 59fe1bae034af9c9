/**
 * The world's wires, proven with a toy orchestrator bundled the way projen bundles the real one
 * (esbuild --bundle --platform=node --target=node24 --minify): every SDK client in it reaches its
 * own stand-in through AWS_ENDPOINT_URL_<SERVICE> alone (AWS_ENDPOINT_URL is unset).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import * as seq from '../cloudformation-driver/sequences';
import { STORE_ARN, toyTemplate } from './fixtures/toy-template';
import { DeployTimeWorld } from './world';

let bundleDir: string;
let asset: string;
beforeAll(() => {
  bundleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'toy-bundle-'));
  asset = path.join(bundleDir, 'index.js');
  execFileSync(require.resolve('esbuild/bin/esbuild'), ['--bundle', path.join(__dirname, 'fixtures', 'toy-handler.js'),
    '--target=node24', '--platform=node', `--outfile=${asset}`, '--minify', '--log-level=warning']);
});
afterAll(() => fs.rmSync(bundleDir, { recursive: true, force: true }));

let world: DeployTimeWorld;
beforeEach(async () => {
  world = await DeployTimeWorld.start({ template: toyTemplate(), asset, serviceTimeoutMs: 5000 });
  world.logs.addEventDataStore({ arn: STORE_ARN });
});
afterEach(async () => world.close());

test('a Create goes through every wire: CloudFormation, the ledger, the state machine, CloudWatch Logs, the response PUT', async () => {
  expect(process.env.AWS_ENDPOINT_URL).toBeUndefined();
  const props = world.properties();
  expect(props).toMatchObject({ Source: STORE_ARN, StateMachineArn: expect.stringMatching(/:stateMachine:Orchestration/), TableName: expect.stringMatching(/^Ledger/) });

  const { first } = await seq.createStack(world.driver, 'Import', props);
  await world.idle();

  const [created] = world.logs.createdImports();
  expect(first).toMatchObject({ status: 'SUCCESS', response: { PhysicalResourceId: created.importId, Data: { ImportId: created.importId } } });
  expect(world.cloudFormation.calls.map((c) => c.action)).toEqual(['DescribeStacks']);
  const [execution] = world.stepFunctions.executions;
  expect(execution).toMatchObject({ name: first.event.RequestId, status: 'SUCCEEDED' });
  expect(execution.events.filter((e) => e.type === 'StateEntered').map((e: any) => e.state.name)).toEqual(['CreateImport', 'Settle', 'Respond']);

  const client = world.dynamodb.client();
  const { Item } = await client.send(new GetItemCommand({ TableName: String(props.TableName), Key: { pk: { S: `${world.driver.stackId}|Import` } } }));
  client.destroy();
  expect(Item).toMatchObject({ state: { S: 'started' }, importId: { S: created.importId }, stackStatus: { S: 'CREATE_IN_PROGRESS' } });
  expect(world.driver.physicalId('Import')).toBe(created.importId);
});

test('a re-delivered Create starts one execution and one import (conditional write, idempotent StartExecution)', async () => {
  const { first } = await seq.redeliveredCreate(world.driver, 'Import', world.properties(), 'concurrently');
  await world.idle();
  expect(first.status).toBe('SUCCESS');
  expect(world.stepFunctions.executions).toHaveLength(1);
  expect(world.logs.createdImports()).toHaveLength(1);
});

test('a stack deletion: the handler reads the current physical ID from CloudFormation', async () => {
  await seq.createStack(world.driver, 'Import', world.properties());
  await world.idle();
  const [deleted] = await seq.deleteStack(world.driver);
  expect(deleted.response).toMatchObject({ Status: 'SUCCESS', Data: { WasCurrent: 'true' } });
  expect(world.cloudFormation.calls.map((c) => c.action)).toEqual(['DescribeStacks', 'DescribeStackResource']);
  expect(world.driver.stackStatus()).toBe('DELETE_COMPLETE');
});

test('the bundle sees the function\'s Environment from the template; the environment is restored on close', async () => {
  expect(process.env.TOY_SETTING).toBe('from-template');
  expect(process.env.AWS_ENDPOINT_URL_SFN).toBe(world.stepFunctions.endpoint);
  const other = await DeployTimeWorld.start({ template: toyTemplate(), asset });
  await other.close();
  expect(process.env.AWS_ENDPOINT_URL_SFN).toBe(world.stepFunctions.endpoint);
});
