export { createObserver, type ObserverHandler, type ObserverOptions } from './observer-handler.js';
export { ObserverState } from './observer-state.js';
