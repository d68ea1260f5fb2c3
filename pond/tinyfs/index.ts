export * from './entry-type.js';
export * from './glob.js';
export * from './memory.js';
export * from './node-id.js';
export * from './node.js';
export * from './path.js';
export * from './visit.js';
export * from './wd.js';
