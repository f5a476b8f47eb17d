// The command table of cf-infra: each command's name and summary, and how to load it. The summaries
// are here, not in the commands' modules, so that `cf-infra --help` loads no command (and none of the
// SDKs, Bicep or database clients they import); a command's module is loaded only when it runs.

export interface Command {
  /** Runs the command; resolves with the exit code. */
  run(args: string[]): Promise<number>;
}

export interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<Command>;
}

export const commandTable: readonly CommandEntry[] = [
  { name: 'plan', summary: 'Offline plan: compile + lint, parameters, snapshot and summary; --check/--update the golden snapshots', load: () => import('./plan.ts') },
  { name: 'cidr', summary: 'Address spaces of all deployments, their subnets, and the next free /16 per region', load: () => import('./cidr.ts') },
  { name: 'names', summary: 'Every resource name of a deployment (derived from its name, checked against Azure\'s rules)', load: () => import('./names.ts') },
  { name: 'local', summary: 'Local environment: up, down, status, reset, logs (Docker Compose, or --native); lockstore start|stop|status', load: () => import('./local.ts') },
  { name: 'prices', summary: 'Show the dated price table of the cost estimate (--refresh needs network access)', load: () => import('./prices.ts') },
  { name: 'unlock', summary: "Break a deployment's run lock (--force), recorded in the lock's audit log", load: () => import('./unlock.ts') },
  { name: 'bootstrap', summary: 'Prepare a subscription once: providers, shared groups, artifacts storage, budgets, policies, deployment role, CI identity', load: () => import('./bootstrap.ts') },
  { name: 'pause', summary: "Stop a non-prod deployment's PostgreSQL server to save cost (resume starts it)", load: () => import('./pause.ts') },
  { name: 'resume', summary: "Start a paused non-prod deployment's PostgreSQL server again", load: () => import('./resume.ts') },
  { name: 'deploy', summary: 'Deploy one deployment: plan, lock, what-if, confirm, stack create/update, validate, run report', load: () => import('./deploy.ts') },
  { name: 'rollback', summary: "Deploy a deployment's last successful run again (its kept template and parameters), or --to a given run", load: () => import('./rollback.ts') },
  { name: 'what-if', summary: 'What a deploy would change (az-style, JSON, or the whole PR comment: changes, cost delta vs --cost-base, policy, errors); --detailed-exitcode', load: () => import('./what-if.ts') },
  { name: 'list', summary: 'Every deployment with its stack state, last run, who ran it and whether it is locked', load: () => import('./list.ts') },
  { name: 'show', summary: 'A deployed stack: state, outputs, managed resources and their Azure portal links', load: () => import('./show.ts') },
  { name: 'destroy', summary: 'Delete a deployment: its stack with every resource and resource group (type the name to confirm)', load: () => import('./destroy.ts') },
  { name: 'validate', summary: 'Post-deploy validation: PostgreSQL, Redis, Event Hubs, Key Vault, monitoring and ARM-level checks', load: () => import('./validate.ts') },
  { name: 'secrets', summary: 'Key Vault secrets of a deployment: create the missing generated ones (never overwrite); --check lists what exists or is missing (names only)', load: () => import('./secrets.ts') },
];
