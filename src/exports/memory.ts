/** `erlmcp/memory`: a linked in-memory transport pair (tests, in-process clients). */
export { createLinkedPair } from '../transports/memory/linked-pair.js';
