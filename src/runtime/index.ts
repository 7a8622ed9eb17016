/** The runtime that generated code stands on. It knows nothing of particular capabilities. */
export * from './api.js';
export * from './base.js';
export * from './bytes.js';
export * from './codec.js';
export * from './commands.js';
export * from './custom.js';
export * from './errors.js';
export * from './json.js';
export * from './message.js';
export * from './reader.js';
export * from './registry.js';
export * from './unrepresentable.js';
export * from './values.js';
// Not the result pool's claim and release: only top-level encodes may hold the pool.
export { POOLED_MAX, pooledCopy, Writer } from './writer.js';
