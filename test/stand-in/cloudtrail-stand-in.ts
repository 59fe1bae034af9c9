/**
 * A loopback stand-in for CloudTrail's GetEventDataStore (awsJson1_1, target
 * `CloudTrail_20131101.GetEventDataStore`), for the preflight tests.
 */
import { awsJsonHandler, ServiceError, StandInServer } from './aws-protocols';

/** An event data store as GetEventDataStore returns it. */
export interface StoreInit {
  readonly arn: string;
  /** Default ENABLED. */
  readonly status?: string;
  /** Days. Default 366. */
  readonly retentionPeriod?: number;
  readonly kmsKeyId?: string;
  /** Default EXTENDABLE_RETENTION_PRICING. */
  readonly billingMode?: string;
  /** As the SDK gives them (`Name`, `FieldSelectors: [{ Field, Equals, StartsWith, ... }]`). Default: all management events, CloudTrail's default. */
  readonly advancedEventSelectors?: ReadonlyArray<{ readonly Name?: string; readonly FieldSelectors: ReadonlyArray<Record<string, unknown>> }>;
  /** Default false. */
  readonly organizationEnabled?: boolean;
  /** Default true. */
  readonly multiRegionEnabled?: boolean;
}

/** What CloudTrail collects for a store created without selectors. */
export const DEFAULT_ADVANCED_EVENT_SELECTORS = [{ Name: 'Default management events', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] }];

export class CloudTrailStandIn extends StandInServer {
  public static async start(): Promise<CloudTrailStandIn> {
    const standIn = new CloudTrailStandIn();
    return standIn.listen(awsJsonHandler('CloudTrail_20131101.', {
      GetEventDataStore: (request) => standIn.getEventDataStore(request),
      StopEventDataStoreIngestion: (request) => standIn.stopEventDataStoreIngestion(request),
    }, standIn.calls));
  }

  /** True: every call is refused (AccessDeniedException), as for a caller without cloudtrail:GetEventDataStore. */
  public denyAccess = false;
  private readonly stores = new Map<string, StoreInit>();

  /** True: StopEventDataStoreIngestion is refused (AccessDeniedException), as for a role without the permission. */
  public denyStopIngestion = false;
  /** The stores whose ingestion was stopped, in order. */
  public readonly stoppedIngestion: string[] = [];

  public addStore(store: StoreInit): void {
    this.stores.set(store.arn, store);
  }

  public statusOf(arn: string): string {
    return this.stores.get(arn)?.status ?? 'ENABLED';
  }

  /** As CloudTrail documents it: only an ENABLED store can stop ingesting; the store and its events stay. */
  private stopEventDataStoreIngestion(request: { EventDataStore?: string }): unknown {
    if (this.denyStopIngestion) throw new ServiceError('AccessDeniedException', 'User is not authorized to perform: cloudtrail:StopEventDataStoreIngestion');
    const store = [...this.stores.values()].find((s) => s.arn === request.EventDataStore || s.arn.endsWith(`/${request.EventDataStore}`));
    if (!store) throw new ServiceError('EventDataStoreNotFoundException', `The specified event data store ${request.EventDataStore} was not found.`);
    if ((store.status ?? 'ENABLED') !== 'ENABLED') {
      throw new ServiceError('InvalidEventDataStoreStatusException', 'The event data store is not in a status that supports the operation.');
    }
    this.stores.set(store.arn, { ...store, status: 'STOPPED_INGESTION' });
    this.stoppedIngestion.push(store.arn);
    return {};
  }

  private getEventDataStore(request: { EventDataStore?: string }): unknown {
    if (this.denyAccess) throw new ServiceError('AccessDeniedException', 'User is not authorized to perform: cloudtrail:GetEventDataStore');
    // The service takes the store's ARN or its ID.
    const store = [...this.stores.values()].find((s) => s.arn === request.EventDataStore || s.arn.endsWith(`/${request.EventDataStore}`));
    if (!store) throw new ServiceError('EventDataStoreNotFoundException', `The specified event data store ${request.EventDataStore} was not found.`);
    return {
      EventDataStoreArn: store.arn,
      Name: store.arn.split('/').pop(),
      Status: store.status ?? 'ENABLED',
      RetentionPeriod: store.retentionPeriod ?? 366,
      KmsKeyId: store.kmsKeyId,
      BillingMode: store.billingMode ?? 'EXTENDABLE_RETENTION_PRICING',
      AdvancedEventSelectors: store.advancedEventSelectors ?? DEFAULT_ADVANCED_EVENT_SELECTORS,
      MultiRegionEnabled: store.multiRegionEnabled ?? true,
      OrganizationEnabled: store.organizationEnabled ?? false,
      TerminationProtectionEnabled: true,
      CreatedTimestamp: 1735689600,
      UpdatedTimestamp: 1735689600,
    };
  }
}
