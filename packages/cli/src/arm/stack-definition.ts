// What a deployment stack is made of, as the CLI writes and reads it: the definition it PUTs and the
// resources a stack manages. Pure.
import type { DeploymentStack } from '@azure/arm-resourcesdeploymentstacks';
import type { NoiseRules } from '../whatif/index.ts';
import type { WhatIfValidationLevel } from './stack-whatif.ts';

/** The stack settings a deployment's profile gives (deploy/preflight.ts). */
export interface StackSettings {
  name: string;
  actionOnUnmanage: { resources: 'delete' | 'detach'; resourceGroups: 'delete' | 'detach'; managementGroups: 'detach' };
  denySettings: { mode: 'none' | 'denyDelete' | 'denyWriteAndDelete'; applyToChildScopes: boolean };
}

export interface WhatIfInput {
  deployment: string;
  location: string;
  template: Record<string, unknown>;
  parameters: Record<string, unknown>;
  stack: StackSettings;
  /** Default Provider: the deploy's own what-if checks the deploying identity's write rights early. */
  validationLevel?: WhatIfValidationLevel;
  /** The noise rules in force (deployments/what-if-rules.yaml, config/what-if-rules.ts). */
  noise: NoiseRules;
  /** The deploying identity, excluded from the deny assignment as the apply excludes it (where known). */
  principalId?: string | undefined;
}

export interface ApplyInput extends Omit<WhatIfInput, 'noise'> {
  /** The deploying identity, excluded from the deny assignment (where known). */
  principalId: string | undefined;
}

/** The stack's deny settings as a deploy sends them: the deploying identity excluded where known. */
export function denySettingsOf(stack: StackSettings, principalId: string | undefined): { mode: StackSettings['denySettings']['mode']; applyToChildScopes: boolean; excludedPrincipals?: string[] } {
  const deny = stack.denySettings;
  return {
    mode: deny.mode,
    applyToChildScopes: deny.applyToChildScopes,
    ...(deny.mode !== 'none' && principalId !== undefined ? { excludedPrincipals: [principalId] } : {}),
  };
}

export function stackDefinition(input: ApplyInput): DeploymentStack {
  return {
    location: input.location,
    tags: { app: 'complianceflow', deployment: input.deployment },
    properties: {
      description: `ComplianceFlow deployment ${input.deployment} (cf-infra)`,
      template: input.template,
      parameters: input.parameters as unknown as NonNullable<DeploymentStack['properties']>['parameters'],
      actionOnUnmanage: input.stack.actionOnUnmanage,
      denySettings: denySettingsOf(input.stack, input.principalId),
    },
  };
}

export function managedResourceIds(stack: DeploymentStack | undefined): string[] {
  return (stack?.properties?.resources ?? []).filter((r) => r.status === undefined || r.status === 'managed').map((r) => r.id!).filter((id) => id !== undefined);
}

/** The values of the template's securestring/secureObject parameters (as text): never shown, wherever they turn up. */
export function secureParameterValues(template: Record<string, unknown>, parameters: Record<string, unknown>): string[] {
  const declared = (template.parameters ?? {}) as Record<string, { type?: unknown } | undefined>;
  return Object.entries(parameters).flatMap(([name, given]) => {
    const type = String(declared[name]?.type ?? '').toLowerCase();
    const value = (given as { value?: unknown } | null)?.value;
    if ((type !== 'securestring' && type !== 'secureobject') || value === undefined || value === null || value === '') return [];
    return [typeof value === 'string' ? value : JSON.stringify(value)];
  });
}
