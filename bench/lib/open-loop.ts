import { Agent, request } from 'node:http';

export interface OpenLoopResult {
  offered: number;
  completed: number;
  /** 2xx answers with a JSON-RPC result. */
  admitted: number;
  /** Refusals: HTTP 503/429 (erlmcp's load shedding). */
  shed: number;
  /** Anything else: other statuses, JSON-RPC errors, socket errors, still pending at the end. */
  failed: number;
  /** Latency of admitted requests, ms from the intended send time. */
  admittedLatencies: number[];
  seconds: number;
  /** From the first send to the last admitted answer: the window admitted throughput is over. */
  admittedWindowSeconds: number;
}

/**
 * A lean open-loop HTTP generator: POSTs at a fixed rate whatever the server's pace (requests
 * queue in the client if the server is slow: that queueing is the latency being measured), each
 * timed from its intended send time. Requests still open `graceMs` after the last send are failures.
 */
export async function openLoop(options: {
  url: string;
  headers: Record<string, string>;
  body: (i: number) => string;
  rate: number;
  seconds: number;
  maxSockets?: number;
  graceMs?: number;
}): Promise<OpenLoopResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 256 });
  const total = Math.round(options.rate * options.seconds);
  const result: OpenLoopResult = {
    offered: total,
    completed: 0,
    admitted: 0,
    shed: 0,
    failed: 0,
    admittedLatencies: [],
    seconds: options.seconds,
    admittedWindowSeconds: options.seconds,
  };
  const start = performance.now();
  const intervalMs = 1000 / options.rate;
  let outstanding = 0;
  let allDone: (() => void) | undefined;
  const send = (i: number, intended: number) => {
    outstanding++;
    const finish = (kind: 'admitted' | 'shed' | 'failed') => {
      result.completed++;
      result[kind]++;
      if (kind === 'admitted') {
        const now = performance.now();
        result.admittedLatencies.push(now - intended);
        result.admittedWindowSeconds = Math.max(result.admittedWindowSeconds, (now - start) / 1000);
      }
      if (--outstanding === 0) allDone?.();
    };
    const req = request(options.url, { method: 'POST', headers: options.headers, agent });
    req.once('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.once('end', () => {
        const status = res.statusCode ?? 0;
        if (status === 503 || status === 429) finish('shed');
        else if (status === 200 && text.includes('"result"')) finish('admitted');
        else finish('failed');
      });
    });
    req.once('error', () => finish('failed'));
    req.end(options.body(i));
  };
  for (let i = 0; i < total; i++) {
    const intended = start + i * intervalMs;
    const wait = intended - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    send(i, intended);
  }
  if (outstanding > 0) {
    await new Promise<void>((resolve) => {
      allDone = resolve;
      setTimeout(resolve, options.graceMs ?? 10_000).unref();
    });
  }
  result.failed += total - result.completed;
  agent.destroy();
  return result;
}
