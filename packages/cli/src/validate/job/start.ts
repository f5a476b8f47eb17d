// Starting the validation job and reading its execution, with the real Container Apps SDK
// (@azure/arm-appcontainers; Azure or the emulator). The start request's execution template repeats
// the job template's container (name, resources, environment) with the image of this orchestrator's
// version and the run's variables added: the Start API replaces the containers, it does not merge.
import type { TokenCredential } from '@azure/core-auth';
import type { ContainerAppsAPIClient, JobExecutionContainer } from '@azure/arm-appcontainers';

export interface JobsTarget {
  credential: TokenCredential;
  subscriptionId: string;
  /** The emulator's endpoint and CA; Azure's public cloud when absent. */
  endpoint?: string;
  caPem?: string;
}

/** Loads the Container Apps SDK only when a job runs: a deploy whose checks run in-process never needs it. */
export async function jobsClient(target: JobsTarget): Promise<ContainerAppsAPIClient> {
  const { ContainerAppsAPIClient: Client } = await import('@azure/arm-appcontainers');
  return new Client(target.credential, target.subscriptionId, {
    ...(target.endpoint === undefined ? {} : { endpoint: target.endpoint }),
    ...(target.caPem === undefined ? {} : { tlsOptions: { ca: target.caPem } }),
    retryOptions: { maxRetries: 4, retryDelayInMs: 500, maxRetryDelayInMs: 10_000 },
  });
}

export interface JobRef {
  resourceGroup: string;
  name: string;
}

/** Pure: the execution's container — the template's first one, the image replaced, the run's variables set (replacing same-named ones). */
export function executionContainer(template: JobExecutionContainer | undefined, image: string | undefined, runEnv: Record<string, string>): JobExecutionContainer {
  if (template === undefined) throw new Error('the job template has no container');
  const env = (template.env ?? []).filter((e) => e.name === undefined || !(e.name in runEnv));
  return {
    ...(template.name === undefined ? {} : { name: template.name }),
    image: image ?? template.image,
    ...(template.command === undefined ? {} : { command: template.command }),
    ...(template.args === undefined ? {} : { args: template.args }),
    ...(template.resources === undefined ? {} : { resources: template.resources }),
    env: [...env, ...Object.entries(runEnv).map(([name, value]) => ({ name, value }))],
  };
}

/** Starts one execution; returns its name. The run's variables may hold secrets: never log them. */
export async function startJob(client: ContainerAppsAPIClient, job: JobRef, image: string | undefined, runEnv: Record<string, string>, pollMs = 1000): Promise<{ name: string; id: string }> {
  const definition = await client.jobs.get(job.resourceGroup, job.name);
  const container = executionContainer(definition.template?.containers?.[0], image, runEnv);
  const started = await client.jobs.start(job.resourceGroup, job.name, { template: { containers: [container] }, updateIntervalInMs: pollMs });
  if (started.name === undefined) throw new Error(`starting job ${job.name} returned no execution name`);
  return { name: started.name, id: started.id ?? '' };
}

export type ExecutionState = 'running' | 'succeeded' | 'failed' | 'stopped';

/** Pure: Azure's execution status in our terms (Degraded and Unknown are failures; Processing is running). */
export function stateOf(status: string | undefined): ExecutionState {
  switch (status) {
    case 'Succeeded':
      return 'succeeded';
    case 'Stopped':
      return 'stopped';
    case 'Failed':
    case 'Degraded':
    case 'Unknown':
      return 'failed';
    default:
      return 'running';
  }
}

export async function executionStatus(client: ContainerAppsAPIClient, job: JobRef, execution: string): Promise<{ state: ExecutionState; status: string }> {
  const e = await client.jobExecution(job.resourceGroup, job.name, execution);
  return { state: stateOf(e.status), status: e.status ?? 'Unknown' };
}

export async function stopExecution(client: ContainerAppsAPIClient, job: JobRef, execution: string): Promise<void> {
  await client.jobs.stopExecution(job.resourceGroup, job.name, execution, { updateIntervalInMs: 1000 });
}
