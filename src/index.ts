// The public API. Internal helpers of these modules (marked @internal) are not re-exported.
export { EventDataStoreImport } from './event-data-store-import/event-data-store-import';
export type { EventDataStoreImportProps } from './event-data-store-import/event-data-store-import';
export type { ImportHandlerOptions } from './orchestrator/orchestrator-options';
export { ImportSource } from './event-data-store-import/import-source';
export type { EventDataStoreArnSourceOptions, EventDataStoreSourceOptions } from './event-data-store-import/import-source';
export { ImportTimeRange } from './event-data-store-import/import-time-range';
export { CloudTrailLakeMigration } from './migration/cloudtrail-lake-migration';
export type { CloudTrailLakeMigrationProps, MigrationCentralizationOptions, MigrationOrganizationOptions } from './migration/cloudtrail-lake-migration';
export { MigrationSource } from './migration/migration-source';
export type { MigrationStoreArnOptions, MigrationStoreOptions } from './migration/migration-source';
export { MemberDeliveryReader } from './migration/member-delivery-reader';
export type { MemberDeliveryReaderProps } from './migration/member-delivery-reader';
