export * from './export.js';
export * from './metadata.js';
export * from './output-folder.js';
export * from './parquet-writer.js';
export * from './targets.js';
export * from './temporal.js';
export * from './templates.js';
