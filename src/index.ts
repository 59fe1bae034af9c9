// The public API. Internal helpers of these modules (marked @internal) are not re-exported.
export { EventDataStoreImport, EventDataStoreImportProps } from './event-data-store-import/event-data-store-import';
export { ImportHandlerOptions } from './event-data-store-import/handler-options';
export { EventDataStoreArnSourceOptions, EventDataStoreSourceOptions, ImportSource } from './event-data-store-import/import-source';
export { ImportTimeRange } from './event-data-store-import/import-time-range';
