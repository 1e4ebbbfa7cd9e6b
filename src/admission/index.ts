export * from './limit-errors.js';
export * from './limits.js';
export { LoadShedder } from './load-shedder.js';
export { type Kill, type RequestScope, Supervisor } from './supervisor.js';
export { KeyedRateLimiter } from './token-bucket.js';
