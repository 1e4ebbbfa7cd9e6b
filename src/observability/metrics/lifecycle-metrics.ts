import { Counter, type Registry } from 'prom-client';
import type {
  BytesEvent,
  RefusedEvent,
  RestartEvent,
  SessionEvent,
  StreamEvent,
} from '../../core/diagnostics.js';
import { OTHER, transportLabel } from './labels.js';
import { scrapedMetric } from './scraped-metric.js';

/** Refusal reasons and limits come from erlmcp's own table; the check only guards custom callers. */
const LABEL_VALUE = /^[\w.]{1,64}$/;
const bounded = (value: string | undefined) =>
  value === undefined ? '' : LABEL_VALUE.test(value) ? value : OTHER;

/**
 * Sessions, streams, refusals and restarts, each fed by its own channel. The active gauges count
 * opens minus closes seen since metrics began, never below zero: a session opened before
 * `createMetrics` and closed after must not drive the gauge negative.
 */
export class LifecycleMetrics {
  /** Refusals come in floods under overload, when they must stay cheap: plain tallies, read at scrape. */
  readonly #refused = new Map<string, { labels: Record<string, string>; count: number }>();
  /** transport → direction → tally: looked up by the event's own strings, no key built per message. */
  readonly #bytes = new Map<string, Map<string, { labels: Record<string, string>; count: number }>>();
  readonly #restarts: Counter<string>;

  /** Sessions and streams open and opened, by transport: plain tallies, shaped at scrape time. */
  readonly #openSessions = new Map<string, number>();
  readonly #openedSessions = new Map<string, number>();
  readonly #openStreams = new Map<string, number>();

  constructor(registry: Registry, prefix: string) {
    const registers = [registry];
    const byTransport = (counts: Map<string, number>) => () =>
      [...counts].map(([transport, value]) => ({ labels: { transport }, value }));
    registry.registerMetric(
      scrapedMetric(
        `${prefix}sessions_active`,
        'gauge',
        '2025-era sessions open now, by transport',
        byTransport(this.#openSessions),
        () => this.#openSessions.clear(),
      ),
    );
    registry.registerMetric(
      scrapedMetric(
        `${prefix}sessions_total`,
        'counter',
        '2025-era sessions opened, by transport',
        byTransport(this.#openedSessions),
        () => this.#openedSessions.clear(),
      ),
    );
    registry.registerMetric(
      scrapedMetric(
        `${prefix}streams_active`,
        'gauge',
        'Server-to-client streams open now, by transport',
        byTransport(this.#openStreams),
        () => this.#openStreams.clear(),
      ),
    );
    registry.registerMetric(
      scrapedMetric(
        `${prefix}bytes_total`,
        'counter',
        'Message bytes received (in) and sent (out) per transport: ndjson lines, WebSocket text frames, HTTP bodies, SSE events',
        () =>
          [...this.#bytes.values()].flatMap((byDirection) =>
            [...byDirection.values()].map(({ labels, count }) => ({ labels, value: count })),
          ),
        () => this.#bytes.clear(),
      ),
    );
    registry.registerMetric(
      scrapedMetric(
        `${prefix}refused_total`,
        'counter',
        'Requests and sessions refused by a runtime limit (shed, rate-limited, draining, caps)',
        () => [...this.#refused.values()].map(({ labels, count }) => ({ labels, value: count })),
        () => this.#refused.clear(),
      ),
    );
    this.#restarts = new Counter({
      name: `${prefix}restarts_total`,
      help: 'Supervised restarts (cluster workers, client upstream connections)',
      labelNames: ['kind'],
      registers,
    });
  }

  readonly onSessionOpen = (message: unknown): void => {
    const transport = transportLabel((message as SessionEvent).transport);
    step(this.#openedSessions, transport, 1);
    step(this.#openSessions, transport, 1);
  };

  readonly onSessionClose = (message: unknown): void => {
    step(this.#openSessions, transportLabel((message as SessionEvent).transport), -1);
  };

  readonly onStreamOpen = (message: unknown): void => {
    step(this.#openStreams, transportLabel((message as StreamEvent).transport), 1);
  };

  readonly onStreamClose = (message: unknown): void => {
    step(this.#openStreams, transportLabel((message as StreamEvent).transport), -1);
  };

  readonly onBytes = (message: unknown): void => {
    const event = message as BytesEvent;
    let byDirection = this.#bytes.get(event.transport);
    if (byDirection === undefined) {
      byDirection = new Map();
      this.#bytes.set(event.transport, byDirection);
    }
    const tally = byDirection.get(event.direction);
    if (tally) tally.count += event.bytes;
    else
      byDirection.set(event.direction, {
        labels: { transport: event.transport, direction: event.direction },
        count: event.bytes,
      });
  };

  readonly onRefused = (message: unknown): void => {
    const event = message as RefusedEvent;
    const key = `${event.reason}\n${event.limit ?? ''}\n${event.transport}`;
    const tally = this.#refused.get(key);
    if (tally !== undefined) {
      tally.count++;
      return;
    }
    const labels = {
      reason: bounded(event.reason),
      limit: bounded(event.limit),
      transport: transportLabel(event.transport),
    };
    // Raw values key the map only once bounded: a custom caller's odd values share `_other`.
    const boundedKey = `${labels.reason}\n${labels.limit}\n${labels.transport}`;
    const shared = this.#refused.get(boundedKey) ?? { labels, count: 0 };
    shared.count++;
    this.#refused.set(boundedKey, shared);
  };

  readonly onRestart = (message: unknown): void => {
    const kind = (message as RestartEvent).kind;
    this.#restarts.inc({ kind: kind === 'worker' || kind === 'upstream' ? kind : OTHER });
  };
}

function step(counts: Map<string, number>, key: string, delta: 1 | -1): number {
  const next = Math.max(0, (counts.get(key) ?? 0) + delta);
  counts.set(key, next);
  return next;
}
