/**
 * Protocol revisions erlmcp speaks, and which era each belongs to.
 * Legacy era: `initialize` opens a session. Modern era: every request carries its own `_meta`.
 */
export const MODERN_VERSIONS = ['2026-07-28'] as const;
export const LEGACY_VERSIONS = ['2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05'] as const;

export type ModernVersion = (typeof MODERN_VERSIONS)[number];
export type SessionfulVersion = (typeof LEGACY_VERSIONS)[number];
export type ProtocolVersion = ModernVersion | SessionfulVersion;

export const LATEST_MODERN_VERSION: ModernVersion = '2026-07-28';
export const LATEST_LEGACY_VERSION: SessionfulVersion = '2025-11-25';
/** Newest first, as advertised by `server/discover` and `UnsupportedProtocolVersion` errors. */
export const SUPPORTED_VERSIONS: readonly ProtocolVersion[] = [...MODERN_VERSIONS, ...LEGACY_VERSIONS];

export type Era = 'modern' | 'legacy';

export function isModernVersion(version: unknown): version is ModernVersion {
  return (MODERN_VERSIONS as readonly unknown[]).includes(version);
}

export function isSessionfulVersion(version: unknown): version is SessionfulVersion {
  return (LEGACY_VERSIONS as readonly unknown[]).includes(version);
}

export function isSupportedVersion(version: unknown): version is ProtocolVersion {
  return isModernVersion(version) || isSessionfulVersion(version);
}

/**
 * The `initialize` answer: the client's version when we speak it, else our newest legacy revision
 * (the client then decides whether it can continue).
 */
export function negotiateSessionfulVersion(requested: unknown): SessionfulVersion {
  return isSessionfulVersion(requested) ? requested : LATEST_LEGACY_VERSION;
}

/** Revision dates compare lexically, which lets feature gates read as `atLeast(v, '2025-06-18')`. */
export function atLeast(version: string, minimum: ProtocolVersion): boolean {
  return version >= minimum;
}
