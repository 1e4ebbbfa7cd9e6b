import type { ClusterNode } from '../cluster.js';

/**
 * What TaskManager needs from a cluster so that any node can answer for a task another node runs:
 * the node running it is told of a cancel or of input, and a node that is gone can be told apart.
 */
export interface TaskCluster {
  /** This process' node id: the `node` of the tasks it starts. */
  readonly nodeId: string;
  /** Asks `node` to abort the task (its record is already cancelled). */
  publishCancel(taskId: string, node: string): void;
  /** Hands 2026 `tasks/update` answers to the handler waiting on `node`. */
  publishInput(taskId: string, node: string, responses: Record<string, unknown>): void;
  /** Whether `node` is still running (rejects while the cluster cannot tell). */
  isAlive(node: string): Promise<boolean>;
}

/** A ClusterNode as a TaskCluster: messages to the running node's inbox, liveness from the node. */
export function taskClusterOf(cluster: ClusterNode): TaskCluster {
  return {
    nodeId: cluster.nodeId,
    publishCancel: (taskId, node) => cluster.publish({ type: 'task-cancel', taskId }, node),
    publishInput: (taskId, node, responses) =>
      cluster.publish({ type: 'task-input', taskId, responses }, node),
    // A node that cannot tell liveness never declares another node dead.
    isAlive: (node) => cluster.isNodeAlive?.(node) ?? Promise.resolve(true),
  };
}
