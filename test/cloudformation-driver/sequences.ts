/**
 * CloudFormation's real sequences for one custom resource (../../shared/reference/FACTS.md,
 * "CloudFormation custom resources"; aws-cdk custom-resources README). Each function sets the stack
 * status CloudFormation would be in when it sends each event, and reacts to the handler's answer
 * the way CloudFormation does: a new physical ID on Update is a replacement (the old one is deleted
 * in the cleanup phase), a FAILED Update with a new ID is too (the new one is deleted on rollback),
 * a FAILED Update with the old ID is rolled back by an Update with the old properties.
 */
import { CloudFormationDriver, inventedPhysicalId, Outcome } from './driver';

type Props = Record<string, unknown>;

export interface SequenceResult {
  /** The first request of the sequence (Create or Update). */
  readonly first: Outcome;
  /** Delete of the replaced/new/invented resource, if CloudFormation sent one. */
  readonly delete?: Outcome;
  /** The rollback Update, if CloudFormation sent one. */
  readonly rollback?: Outcome;
}

/**
 * Stack creation: Create; on FAILED (or no answer in the service timeout) the stack rolls back
 * and sends Delete with the physical ID of the FAILED response (or an invented one).
 * Covers "Delete after a failed Create".
 */
export async function createStack(d: CloudFormationDriver, logicalId: string, props: Props): Promise<SequenceResult> {
  d.setStackStatus('CREATE_IN_PROGRESS');
  d.setResource(logicalId, undefined, 'CREATE_IN_PROGRESS');
  const first = await d.request(d.event('Create', logicalId, props));
  if (first.status === 'SUCCESS') {
    d.setStackStatus('CREATE_COMPLETE');
    return { first };
  }
  return { first, delete: await rollBackCreate(d, first, first.response?.PhysicalResourceId) };
}

/** A re-delivered Create (same RequestId), sent twice at once or again after the first answered. */
export async function redeliveredCreate(d: CloudFormationDriver, logicalId: string, props: Props, when: 'concurrently' | 'after-response'): Promise<SequenceResult> {
  d.setStackStatus('CREATE_IN_PROGRESS');
  d.setResource(logicalId, undefined, 'CREATE_IN_PROGRESS');
  const event = d.event('Create', logicalId, props);
  d.invoke(event);
  if (when === 'concurrently') d.invoke(event);
  const first = await d.await(event);
  if (when === 'after-response') d.invoke(event);
  await d.settled();
  d.setStackStatus(first.status === 'SUCCESS' ? 'CREATE_COMPLETE' : 'ROLLBACK_COMPLETE');
  return { first };
}

/** The handler's response arrives but CloudFormation acts as if the Create timed out: Delete with an invented ID. */
export async function lostCreateResponse(d: CloudFormationDriver, logicalId: string, props: Props): Promise<SequenceResult> {
  d.setStackStatus('CREATE_IN_PROGRESS');
  d.setResource(logicalId, undefined, 'CREATE_IN_PROGRESS');
  const event = d.event('Create', logicalId, props);
  d.invoke(event);
  await d.await(event); // captured in d.responses, then "lost"
  const first: Outcome = { event, status: 'TIMED_OUT' };
  d.setResource(logicalId, undefined, 'CREATE_FAILED');
  return { first, delete: await rollBackCreate(d, first) };
}

/**
 * Another resource fails while this Create still waits: CloudFormation stops waiting and sends
 * Delete with an invented ID; the Create's later answer is captured but changes nothing.
 * `whileWaiting` runs first (e.g. to let the import start).
 */
export async function otherResourceFailsDuringCreate(
  d: CloudFormationDriver, logicalId: string, props: Props, whileWaiting: () => Promise<void> = async () => {},
): Promise<SequenceResult> {
  d.setStackStatus('CREATE_IN_PROGRESS');
  d.setResource(logicalId, undefined, 'CREATE_IN_PROGRESS');
  const event = d.event('Create', logicalId, props);
  d.invoke(event);
  await whileWaiting();
  const answered = d.responsesTo(event.RequestId)[0];
  if (answered) {
    // Too late to be cancelled: the resource exists, and the rollback deletes it by its ID.
    const first = await d.await(event);
    return { first, delete: await rollBackCreate(d, first, answered.PhysicalResourceId) };
  }
  const first: Outcome = { event, status: 'TIMED_OUT' };
  d.setResource(logicalId, undefined, 'CREATE_FAILED');
  return { first, delete: await rollBackCreate(d, first) };
}

/**
 * Stack update: Update with the resource's current ID and properties as OldResourceProperties,
 * then whatever CloudFormation does with the answer (see the file comment). `otherResourceFails`
 * fails the stack after this resource's Update succeeded.
 */
export async function updateStack(
  d: CloudFormationDriver, logicalId: string, props: Props, options: { otherResourceFails?: boolean } = {},
): Promise<SequenceResult> {
  const oldId = d.physicalId(logicalId);
  const oldProps = d.properties.get(logicalId) ?? {};
  d.setStackStatus('UPDATE_IN_PROGRESS');
  d.setResource(logicalId, oldId, 'UPDATE_IN_PROGRESS');
  const first = await d.request(d.event('Update', logicalId, props, { physicalResourceId: oldId, oldProperties: oldProps }));
  const newId = first.response?.PhysicalResourceId;
  const replaced = newId !== undefined && newId !== oldId;

  if (first.status === 'SUCCESS' && !options.otherResourceFails) {
    if (!replaced) {
      d.setStackStatus('UPDATE_COMPLETE');
      return { first };
    }
    return { first, delete: await cleanUpReplaced(d, logicalId, oldId!, oldProps) };
  }
  d.setStackStatus('UPDATE_ROLLBACK_IN_PROGRESS');
  if (replaced) return { first, delete: await rollBackReplacement(d, first, oldId!, oldProps) };
  return { first, rollback: await rollBackUpdate(d, first, oldId!, oldProps) };
}

/** Replacement: the Update answered a new ID; CloudFormation deletes the old one in the cleanup phase. */
export async function replacement(d: CloudFormationDriver, logicalId: string, props: Props): Promise<SequenceResult> {
  return updateStack(d, logicalId, props);
}

/** A replacement, then another resource fails: the old resource is kept and the NEW one deleted. */
export async function replacementThenOtherResourceFails(d: CloudFormationDriver, logicalId: string, props: Props): Promise<SequenceResult> {
  return updateStack(d, logicalId, props, { otherResourceFails: true });
}

/** Stack deletion: Delete of every resource CloudFormation knows, with its current ID and properties. */
export async function deleteStack(d: CloudFormationDriver, logicalIds: string[] = [...d.properties.keys()]): Promise<Outcome[]> {
  d.setStackStatus('DELETE_IN_PROGRESS');
  const outcomes: Outcome[] = [];
  for (const logicalId of logicalIds) {
    const physicalId = d.physicalId(logicalId);
    if (physicalId === undefined) continue;
    outcomes.push(await d.request(d.event('Delete', logicalId, d.properties.get(logicalId) ?? {}, { physicalResourceId: physicalId })));
  }
  d.setStackStatus(outcomes.every((o) => o.status === 'SUCCESS') ? 'DELETE_COMPLETE' : 'DELETE_FAILED');
  return outcomes;
}

// ---- the steps the sequences share ----

async function rollBackCreate(d: CloudFormationDriver, create: Outcome, physicalId?: string): Promise<Outcome> {
  d.setStackStatus('ROLLBACK_IN_PROGRESS');
  const { LogicalResourceId: logicalId, ResourceProperties: props } = create.event;
  const id = physicalId ?? inventedPhysicalId(d.stackName, logicalId);
  const deleted = await d.request(d.event('Delete', logicalId, props, { physicalResourceId: id }));
  d.setStackStatus(deleted.status === 'SUCCESS' ? 'ROLLBACK_COMPLETE' : 'ROLLBACK_FAILED');
  return deleted;
}

async function cleanUpReplaced(d: CloudFormationDriver, logicalId: string, oldId: string, oldProps: Props): Promise<Outcome> {
  d.setStackStatus('UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
  const current = { id: d.physicalId(logicalId), props: d.properties.get(logicalId) };
  const deleted = await d.request(d.event('Delete', logicalId, oldProps, { physicalResourceId: oldId }));
  d.setResource(logicalId, current.id, 'UPDATE_COMPLETE', current.props); // the Delete was of the old resource
  d.setStackStatus('UPDATE_COMPLETE');
  return deleted;
}

/** CloudFormation keeps the old resource as it is (no call) and deletes the new one. */
async function rollBackReplacement(d: CloudFormationDriver, update: Outcome, oldId: string, oldProps: Props): Promise<Outcome> {
  const { LogicalResourceId: logicalId, ResourceProperties: newProps } = update.event;
  d.setResource(logicalId, oldId, 'UPDATE_COMPLETE', oldProps);
  d.setStackStatus('UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
  const deleted = await d.request(d.event('Delete', logicalId, newProps, { physicalResourceId: update.response!.PhysicalResourceId }));
  d.setResource(logicalId, oldId, 'UPDATE_COMPLETE', oldProps);
  d.setStackStatus('UPDATE_ROLLBACK_COMPLETE');
  return deleted;
}

/** An Update with the old properties again (OldResourceProperties = the failed new ones). */
async function rollBackUpdate(d: CloudFormationDriver, update: Outcome, oldId: string, oldProps: Props): Promise<Outcome> {
  const { LogicalResourceId: logicalId, ResourceProperties: newProps } = update.event;
  const rollback = await d.request(d.event('Update', logicalId, oldProps, { physicalResourceId: oldId, oldProperties: newProps }));
  if (rollback.status !== 'SUCCESS') {
    d.setStackStatus('UPDATE_ROLLBACK_FAILED');
    return rollback;
  }
  d.setStackStatus('UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
  d.setStackStatus('UPDATE_ROLLBACK_COMPLETE');
  return rollback;
}
