export { mergeSnapshots } from './merge-snapshots.js';
export {
  createObserver,
  type ObserverHandler,
  type ObserverOptions,
  type ObserverSource,
} from './observer-handler.js';
export { type ObserverSnapshot, ObserverState, type SessionView } from './observer-state.js';
