import type { Transport } from '../core/transport.js';
import { StdioClientTransport } from '../transports/stdio/client-transport.js';
import { CLIENT_URL_SCHEMES, transportForUrl } from '../transports/transport-for-url.js';
import { suggestion } from './did-you-mean.js';
import { UsageError } from './usage-error.js';

/** Where `erlmcp call` / `inspect` connect: a server URL, or a stdio server's command line. */
export type Target = { url: string } | { command: string; args: string[] };

/**
 * Splits argv at the first `--`: what follows is a stdio server's command line, kept word for word
 * (no quoting rules of our own), and what precedes it is parsed as this command's flags.
 */
export function splitAtDashes(argv: string[]): { own: string[]; command: string[] | undefined } {
  const at = argv.indexOf('--');
  return at < 0 ? { own: argv, command: undefined } : { own: argv.slice(0, at), command: argv.slice(at + 1) };
}

/** A URL target, checked before anything connects so a typo is a usage error, not a socket error. */
export function urlTarget(url: string): Target {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  const schemes = CLIENT_URL_SCHEMES.map((known) => known.slice(0, -1));
  if (scheme === undefined) {
    throw new UsageError(
      `"${url}" is not a server URL (${schemes.join(', ')}); for a stdio server put its command after --`,
    );
  }
  if (!schemes.includes(scheme)) {
    throw new UsageError(
      `the URL scheme "${scheme}" is not one of ${schemes.join(', ')}${suggestion(scheme, schemes)}`,
    );
  }
  return { url };
}

export function commandTarget(words: string[]): Target {
  const [command, ...args] = words;
  if (!command)
    throw new UsageError('nothing after --: give the stdio server command, e.g. -- node server.js');
  return { command, args };
}

export function transportFor(target: Target): Transport {
  if ('url' in target) return transportForUrl(target.url);
  // The server's stderr stays visible: a server that fails to start says why there.
  return new StdioClientTransport({ command: target.command, args: target.args, stderr: 'inherit' });
}
