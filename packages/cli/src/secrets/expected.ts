// Which secrets a deployment's vault must hold, from one source each: the template-written ones are
// the Microsoft.KeyVault/vaults/secrets resources the stack manages (whatever the tiers write:
// Application Insights, Event Hubs, Redis when keys are on), the post-deploy ones come from names.ts.
// And where the vault is: the stack's output security.keyVaultUri.
import type { DeploymentStack } from '@azure/arm-resourcesdeploymentstacks';
import { typeOfId } from '@complianceflow/core/arm/ids.ts';
import { managedResourceIds } from '../arm/stack-definition.ts';
import { expandPostDeploySecrets } from './names.ts';

export interface ExpectedSecrets {
  /** Template-written + generated post-deploy: must be readable. */
  required: string[];
  /** Set by an operator: reported when missing. */
  operatorSet: string[];
  templateWritten: string[];
}

/** Pure: the secret names the stack's templates write (vaults/secrets among its managed resources). */
export function templateSecretNames(stack: DeploymentStack | undefined): string[] {
  return managedResourceIds(stack)
    .filter((id) => typeOfId(id)?.toLowerCase() === 'microsoft.keyvault/vaults/secrets')
    .map((id) => id.split('/').pop()!)
    .sort();
}

export function expectedSecrets(stack: DeploymentStack | undefined, services: readonly string[]): ExpectedSecrets {
  const templateWritten = templateSecretNames(stack);
  const postDeploy = expandPostDeploySecrets(services);
  return {
    templateWritten,
    required: [...templateWritten, ...postDeploy.filter((e) => e.secret.source === 'generated').map((e) => e.name)],
    operatorSet: postDeploy.filter((e) => e.secret.source === 'operator').map((e) => e.name),
  };
}

function output(stack: DeploymentStack | undefined, name: string): unknown {
  const o = (stack?.properties?.outputs as Record<string, { value?: unknown } | undefined> | undefined)?.[name];
  return o !== null && typeof o === 'object' && 'value' in o ? o.value : o;
}

/** The vault of the stack: output security.{keyVaultUri, keyVaultName}; undefined before the first deploy. */
export function vaultOf(stack: DeploymentStack | undefined): { url: string; name: string } | undefined {
  const security = output(stack, 'security') as { keyVaultUri?: unknown; keyVaultName?: unknown } | undefined;
  if (typeof security?.keyVaultUri !== 'string' || security.keyVaultUri === '') return undefined;
  return { url: security.keyVaultUri, name: typeof security.keyVaultName === 'string' ? security.keyVaultName : '' };
}

/** The workload identity's client id (output security.workloadIdentityClientId), for "who reads". */
export function workloadIdentityOf(stack: DeploymentStack | undefined): { clientId?: string; principalId?: string } {
  const security = output(stack, 'security') as { workloadIdentityClientId?: unknown; workloadIdentityPrincipalId?: unknown } | undefined;
  return {
    ...(typeof security?.workloadIdentityClientId === 'string' ? { clientId: security.workloadIdentityClientId } : {}),
    ...(typeof security?.workloadIdentityPrincipalId === 'string' ? { principalId: security.workloadIdentityPrincipalId } : {}),
  };
}
