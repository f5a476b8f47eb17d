// The one typed context a deploy's steps (pipeline.ts) share: the request and services, then what
// each step learns, in pipeline order (target, plan, lock, what-if, stack, checks, report).
import type { DeploymentStack } from '@azure/arm-resourcesdeploymentstacks';
import type { BicepSession } from '@complianceflow/core/bicep/index.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import type { ArmSession } from '../arm/session.ts';
import type { PlanTarget } from '../plan/target.ts';
import type { LockStore } from '../lock/index.ts';
import type { RunReport } from '../report/model.ts';
import type { InterruptWatch } from '../runner/interrupt.ts';
import type { Progress } from '../runner/progress.ts';
import { newRunState } from '../runner/steps.ts';
import type { CheckResult } from '../validate/model.ts';
import type { NoiseRecord } from '../report/model.ts';
import type { WhatIfModel } from '../whatif/index.ts';
import type { LoadedNoiseRules } from '../config/what-if-rules.ts';
import type { WhatIfInput } from '../arm/stack-definition.ts';
import type { PollOptions } from '../arm/stack-preview.ts';
import type { ValidationResult } from '../validate/managed-resources.ts';
import type { DatabasesRecord } from './database-phase.ts';
import type { LockedRun } from './locked-run.ts';
import type { DeployShape, Preflight } from './preflight.ts';
import { newRunId } from './run-id.ts';
import type { CreationSecrets } from '../secrets/admin-password.ts';
import type { SecretsRecord } from './secrets-phase.ts';
import type { DeploySource } from './run-source.ts';

export type OutputFormat = 'text' | 'markdown' | 'json';

export interface DeployRequest {
  deployment: string;
  /** The command line for the lock holder and the report, e.g. "deploy westeu-test-1". */
  command: string;
  yes: boolean;
  allowDelete: boolean;
  format: OutputFormat;
  registryRoot?: string;
  /** --template-from-run / rollback: a stored run's template (and, for a rollback, its parameters) instead of a fresh compile. */
  source?: DeploySource;
}

export interface DeployServices {
  bicep: BicepSession;
  /** Opened after the offline preflight passed (so bad input starts nothing). */
  openArm(): Promise<ArmSession>;
  openLockStore(): Promise<LockStore>;
  progress: Progress;
  /** Asks on the terminal; undefined without one. */
  confirm?: (question: string) => Promise<boolean>;
  color?: boolean;
  runsDir?: string;
  poll?: PollOptions;
  leaseSeconds?: number;
  /** Emulator: the database step runs against the local native server (its settings file, default local/.env); skipped without it. */
  localEnvironment?: { envPath?: string };
  /** SIGINT/SIGTERM handling of the command (runner/interrupt.ts); without it signals are not caught. */
  interrupts?: InterruptWatch;
  /** How long to wait for another operation still running on the stack (default defaultStackWaitSeconds). */
  stackWaitMs?: number;
  /** How often to look at a stack that is still running another operation (ms, default 2000). */
  stackWaitPollMs?: number;
  /** How long to wait for the deployment's lock held by another run (ms, default 0: exit 3 at once). */
  lockWaitMs?: number;
}

export interface DeployContext extends LockedRun {
  readonly request: DeployRequest;
  readonly services: DeployServices;
  readonly startedAt: string;
  /** Offline: the deployment resolved from the registry (bad names stop before any step). */
  readonly target: PlanTarget;
  /** Offline too: the what-if noise rules (deployments/what-if-rules.yaml). */
  readonly noiseRules: LoadedNoiseRules;
  preflight?: Preflight;
  /** The stack as found before the what-if. */
  existing?: DeploymentStack;
  creation?: CreationSecrets;
  shape?: DeployShape;
  whatIfInput?: WhatIfInput;
  whatIf?: WhatIfModel;
  /** Nothing to change and the stack in sync: apply and validation are skipped. */
  noChanges: boolean;
  /** Not confirmed at the prompt: nothing else happens. */
  cancelled: boolean;
  stack?: DeploymentStack;
  validation?: ValidationResult;
  checks?: CheckResult[];
  secrets?: SecretsRecord;
  databases?: DatabasesRecord;
  /** What the what-if after the deploy still showed (noise-check step). */
  noise?: NoiseRecord;
  report?: RunReport;
  reportDir?: string;
}

export function newDeployContext(request: DeployRequest, services: DeployServices, target: PlanTarget, noiseRules: LoadedNoiseRules): DeployContext {
  return {
    run: newRunState('preflight'),
    request,
    services,
    deployment: request.deployment,
    command: request.command,
    open: services,
    runId: newRunId(),
    startedAt: new Date().toISOString(),
    target,
    noiseRules,
    stackName: target.resolved.otherNames.deploymentStack,
    noChanges: false,
    cancelled: false,
    outcome: 'failed',
    exitCode: ExitCode.Failed,
  };
}
