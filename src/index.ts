export * from './event-data-store-import/event-data-store-import';
export * from './event-data-store-import/handler-options';
export * from './event-data-store-import/import-source';
export * from './event-data-store-import/import-time-range';
