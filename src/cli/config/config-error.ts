/** A configuration that cannot be served: the message names the key and where its value came from. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
