/** What the fan-out probe needs of each implementation, and the pieces both share. */
export interface FanoutTarget {
  /** Changes the tool registry once; resolves with ms until every session got list_changed. */
  change(): Promise<number>;
}

export const LIST_CHANGED = 'notifications/tools/list_changed';

export const INITIALIZE_PARAMS = {
  protocolVersion: '2025-11-25',
  capabilities: {},
  clientInfo: { name: 'fanout', version: '1' },
};

/** Counts receipts across all sessions; `expect(n)` resolves with the time of the n-th. */
export function waitForCount() {
  let count = 0;
  let wanted = Number.POSITIVE_INFINITY;
  let resolve: (time: number) => void = () => {};
  return {
    hit() {
      if (++count === wanted) resolve(performance.now());
    },
    expect(n: number): Promise<number> {
      count = 0;
      wanted = n;
      return new Promise((done) => {
        resolve = done;
      });
    },
  };
}
