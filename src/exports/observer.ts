/** `erlmcp/observer`: the live observer page, to mount on a server of your own. */
export {
  createObserver,
  type ObserverHandler,
  type ObserverOptions,
} from '../observability/observer/index.js';
