import { afterAll, beforeAll } from 'vitest';
import { type ScaleCluster, startScaleCluster } from './scale-nodes.js';

/**
 * One scale cluster (Redis, three nodes, the proxy) for a whole test file: started before its tests,
 * stopped after them. Returns the accessor the tests read it through.
 */
export function useScaleCluster(): () => ScaleCluster {
  let cluster: ScaleCluster | undefined;
  beforeAll(async () => {
    cluster = await startScaleCluster();
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });
  return () => {
    if (!cluster) throw new Error('the scale cluster is not started (useScaleCluster runs in beforeAll)');
    return cluster;
  };
}
