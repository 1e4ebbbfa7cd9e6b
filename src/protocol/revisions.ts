import { atLeast, type ProtocolVersion } from './versions.js';

/**
 * What older legacy revisions lack, as gates the server consults before offering a feature.
 * Fields a revision does not know (titles, icons, `structuredContent`) are sent anyway: every
 * revision tells receivers to ignore unknown fields, and stripping them would cost on the hot path.
 */
export const FEATURE_SINCE = {
  /** Audio content, tool annotations, completions capability, JSON-RPC batching (2025-03-26 only). */
  audioContent: '2025-03-26',
  /** Elicitation (form), structured tool output, resource links, `title`. */
  elicitation: '2025-06-18',
  structuredContent: '2025-06-18',
  /** Tasks, URL-mode elicitation, icons, sampling with tools, `execution.taskSupport`. */
  tasks: '2025-11-25',
  urlElicitation: '2025-11-25',
  samplingTools: '2025-11-25',
  /** The SSE priming event (an id with empty data): older clients fail on empty data. */
  primingEvent: '2025-11-25',
  /** Stateless requests, `server/discover`, MRTR, `subscriptions/listen`, `resultType`, cache hints. */
  stateless: '2026-07-28',
} as const satisfies Record<string, ProtocolVersion>;

export type Feature = keyof typeof FEATURE_SINCE;

export function supportsFeature(version: string, feature: Feature): boolean {
  return atLeast(version, FEATURE_SINCE[feature]);
}
