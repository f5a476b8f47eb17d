// What a bootstrap run works with: its options, the prepared (checked) input, and the one typed
// context its steps (bootstrap-steps.ts) share.
import type { ArmClients } from '../arm/clients.ts';
import type { Registry } from '../config/types.ts';
import type { PolicyLibrary } from '@complianceflow/core/policy/index.ts';
import type { RunnerContext } from '../runner/steps.ts';
import type { FederatedCredential } from './ci-identity.ts';
import type { BootstrapConfig } from './config.ts';
import type { DeploymentRole } from './deployment-role.ts';
import type * as desired from './desired.ts';
import type { ItemResult, StepContext } from './reconcile.ts';
import type { CustomRole } from './role-file.ts';

export type BootstrapTarget = { kind: 'azure' } | { kind: 'emulator'; endpoint: string; caPem: string };

export interface BootstrapOptions {
  subscriptionId: string;
  target: BootstrapTarget;
  dryRun: boolean;
  root?: string;
  policiesDir?: string;
  renderer?: 'default' | 'simple' | 'silent';
  now?: Date;
  print?: (line: string) => void;
  /** Set the GitHub variables with gh when it is there and logged in (default true; never against the emulator). */
  setGithubVariables?: boolean;
  pollIntervalMs?: number;
  /** Microsoft Graph: another endpoint (tests) and the waits while a new app replicates. */
  graph?: { endpoint?: string; replicationDelaysMs?: readonly number[] };
}

export interface Prepared {
  registry: Registry;
  config: BootstrapConfig;
  library: PolicyLibrary;
  role: DeploymentRole;
  prRole: CustomRole;
  /** The federated credentials of each app registration. */
  federated: { ci: FederatedCredential[]; pr: FederatedCredential[] };
  input: desired.BootstrapInput;
  namespaces: string[];
  /** The condition on the deployment role's assignment (set by checkRoleCoverage). */
  deploymentRoleCondition: string;
}

export interface StepReport {
  title: string;
  status: string;
  items: ItemResult[];
}

export interface BootstrapReport {
  steps: StepReport[];
  /** Write requests sent to ARM (0 on a dry run and on a rerun with nothing to change). */
  armWrites: number;
  variables: Record<string, string>;
  changed: boolean;
}

export interface Identity {
  principal: desired.CiPrincipal;
  clientId: string;
}

export interface BootstrapContext extends RunnerContext {
  readonly prepared: Prepared;
  readonly options: BootstrapOptions;
  readonly clients: ArmClients;
  /** What reconcile needs: the REST client, dry run, emulator. */
  readonly reconcile: StepContext;
  readonly print: (line: string) => void;
  /** One per finished step, in order (printed at the end, also after a failure). */
  readonly reports: StepReport[];
  tenantId?: string;
  ci?: Identity;
  pr?: Identity;
  variables: Record<string, string>;
  changed: boolean;
}
