import { type Target, transportFor } from '../target.js';
import { checkCancellation, checkMethodNotFound, checkUnknownTool } from './checks-errors.js';
import {
  checkContentTypes,
  checkLegacyHttp,
  checkModernHttp,
  checkParseError,
  skipHttp,
} from './checks-http.js';
import {
  checkPing,
  checkRequiredMeta,
  checkUnsupportedVersion,
  type Opened,
  openLegacy,
  openModern,
} from './checks-lifecycle.js';
import { checkResults, checkResultTypes } from './checks-results.js';
import { HttpWire } from './http-wire.js';
import { MessageWire } from './message-wire.js';
import { LegacyPeer, ModernPeer, type Peer } from './peers.js';
import { Report } from './report.js';
import { type Era, REVISION } from './rules.js';
import type { Wire } from './wire.js';

/**
 * `erlmcp validate`: each era on its own connection (a stdio server is started once per era), the
 * era's opening first; an era the server does not speak is reported as skipped, not failed.
 */
export async function runValidate(target: Target, eras: readonly Era[]): Promise<Report> {
  const report = new Report('url' in target ? target.url : [target.command, ...target.args].join(' '));
  const spoken: Era[] = [];
  for (const era of eras) {
    const wire = openWire(target);
    try {
      if (await (era === 'legacy' ? validateLegacy(wire, report) : validateModern(wire, report)))
        spoken.push(era);
      else report.skipRest(era, `server does not speak ${REVISION[era]}`);
    } finally {
      await wire.close();
    }
  }
  if (spoken.length === 0) {
    throw new Error(
      `${report.target} answered neither initialize nor server/discover: not an MCP server, or not reachable`,
    );
  }
  return report;
}

function openWire(target: Target): Wire {
  if ('url' in target && /^https?:/i.test(target.url)) return new HttpWire(new URL(target.url));
  return new MessageWire(transportFor(target));
}

async function validateLegacy(wire: Wire, report: Report): Promise<boolean> {
  const peer = new LegacyPeer(wire);
  const opened = await openLegacy(peer, report);
  if (opened === undefined) return false;
  await checkCommon(peer, report, opened);
  await checkPing(peer, report);
  await checkCancellation(peer, report, 'ping');
  if (wire.isHttp) await checkLegacyHttp(peer, report);
  await finishHttp(peer, report);
  return true;
}

async function validateModern(wire: Wire, report: Report): Promise<boolean> {
  const peer = new ModernPeer(wire);
  const opened = await openModern(peer, report);
  if (opened === undefined) return false;
  await checkUnsupportedVersion(peer, report);
  await checkRequiredMeta(peer, report, opened.capabilities.tools ? 'tools/list' : 'server/discover');
  await checkCommon(peer, report, opened);
  await checkCancellation(peer, report, 'server/discover');
  if (wire.isHttp) await checkModernHttp(peer, report);
  checkResultTypes(peer, report);
  await finishHttp(peer, report);
  return true;
}

/** What both eras share: errors and every result. */
async function checkCommon(peer: Peer, report: Report, opened: Opened): Promise<void> {
  await checkMethodNotFound(peer, report);
  if (opened.capabilities.tools) await checkUnknownTool(peer, report);
  else report.skip('errors.unknown-tool', peer.era, 'the server does not declare tools');
  await checkResults(peer, report, opened.capabilities);
}

async function finishHttp(peer: Peer, report: Report): Promise<void> {
  if (!peer.wire.isHttp) return skipHttp(report, peer.era);
  await checkParseError(peer, report);
  checkContentTypes(peer, report);
}
