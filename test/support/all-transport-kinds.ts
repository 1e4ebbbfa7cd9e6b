import {
  memoryKind,
  mutualTlsKind,
  secureWebSocketKind,
  type TransportKind,
  tcpKind,
  webSocketKind,
} from './transport-kinds.js';

export type { TransportKind };

/** Every transport the e2e suite runs over. */
export const TRANSPORT_KINDS: TransportKind[] = [
  memoryKind,
  tcpKind,
  mutualTlsKind,
  webSocketKind,
  secureWebSocketKind,
];
