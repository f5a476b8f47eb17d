// Follows the operations of a stack's deployment while apply waits for the stack: the stack's
// properties.deploymentId, then GET {deployment}/operations (subscription or resource-group scope)
// and, for each operation that ran a nested deployment, that deployment's operations; every
// resource's state as an event. Reads run one at a time, every `intervalMs`, and stop with the
// apply. Reading operations is best effort: an error other than a 404 (the deployment not there
// yet) stops the following and is reported once, and never fails the deploy.
import type { DeploymentOperation } from '@azure/arm-resourcesdeployments';
import type { ResourceSink } from '../runner/resource-progress.ts';
import type { ArmClients } from './clients.ts';
import { nestedDeploymentId, resourceEvent } from './operation-events.ts';
import { statusOf } from './stack-errors.ts';

export interface DeploymentRef {
  resourceGroup?: string;
  name: string;
}

/** /subscriptions/{s}[/resourceGroups/{rg}]/providers/Microsoft.Resources/deployments/{name} → its scope and name. */
export function parseDeploymentId(id: string): DeploymentRef | undefined {
  const m = /^\/subscriptions\/[^/]+(?:\/resourceGroups\/([^/]+))?\/providers\/Microsoft\.Resources\/deployments\/([^/]+)$/i.exec(id);
  if (m === null) return undefined;
  return m[1] === undefined ? { name: m[2]! } : { resourceGroup: m[1], name: m[2]! };
}

export interface OperationReader {
  /** The stack's current deployment id (undefined until ARM has started it). */
  deploymentId(): Promise<string | undefined>;
  operations(ref: DeploymentRef): Promise<DeploymentOperation[]>;
}

export function armOperationReader(clients: ArmClients, stackName: string): OperationReader {
  const collect = async (pages: AsyncIterable<DeploymentOperation>): Promise<DeploymentOperation[]> => {
    const out: DeploymentOperation[] = [];
    for await (const op of pages) out.push(op);
    return out;
  };
  const ops = clients.deployments.deploymentOperations;
  return {
    deploymentId: async () => (await clients.stacks.deploymentStacks.getAtSubscription(stackName)).properties?.deploymentId,
    operations: (ref) => collect(ref.resourceGroup === undefined ? ops.listAtSubscriptionScope(ref.name) : ops.list(ref.resourceGroup, ref.name)),
  };
}

export interface Following {
  /** One last read (the final states), then no more; resolves when it is done. */
  stop(): Promise<void>;
}

export interface FollowOptions {
  intervalMs: number;
  /** Called once when reading stops on an error (the phase keeps its per-phase line). */
  unavailable(reason: string): void;
  /** The deployment id the stack had before this apply (its operations are not this run's). */
  previousDeploymentId?: string;
}

const finished = (op: DeploymentOperation): boolean => ['succeeded', 'failed', 'canceled'].includes(op.properties?.provisioningState?.toLowerCase() ?? '');

/**
 * Reads a deployment's operations and its nested deployments', depth first; emits every resource's
 * event. A nested deployment read once after it finished is not read again (`settled`).
 */
async function readTree(reader: OperationReader, ref: DeploymentRef, emit: ResourceSink, settled: Set<string>, depth = 0): Promise<void> {
  const ops = await reader.operations(ref);
  const now = Date.now();
  // ARM lists the latest first: the oldest first, so a resource's latest operation is its last event.
  for (const op of [...ops].reverse()) {
    const nested = nestedDeploymentId(op);
    const nestedRef = nested === undefined ? undefined : parseDeploymentId(nested);
    if (nestedRef !== undefined && depth < 5 && !settled.has(nested!.toLowerCase())) {
      await readTree(reader, nestedRef, emit, settled, depth + 1).catch(ignoreNotFound);
      if (finished(op)) settled.add(nested!.toLowerCase());
    }
    const event = resourceEvent(op, now);
    if (event !== undefined) emit(event);
  }
}

function ignoreNotFound(error: unknown): void {
  if (statusOf(error) !== 404) throw error;
}

export function followDeploymentOperations(reader: OperationReader, emit: ResourceSink, options: FollowOptions): Following {
  let stopped = false;
  let failed = false;
  let wake: () => void = () => {};
  let ref: DeploymentRef | undefined;
  const settled = new Set<string>();
  const readOnce = async (): Promise<void> => {
    if (failed) return;
    try {
      if (ref === undefined) {
        const id = await reader.deploymentId();
        if (id === undefined || id === options.previousDeploymentId) return;
        ref = parseDeploymentId(id);
        if (ref === undefined) throw new Error(`unexpected deployment id ${id}`);
      }
      await readTree(reader, ref, emit, settled);
    } catch (error) {
      if (statusOf(error) === 404) return;
      failed = true;
      options.unavailable((error as Error).message ?? String(error));
    }
  };
  const loop = (async () => {
    while (!stopped && !failed) {
      await readOnce();
      if (stopped) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.intervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  })();
  return {
    async stop() {
      stopped = true;
      wake();
      await loop;
      await readOnce();
    },
  };
}
