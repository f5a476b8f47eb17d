// The platform blocks of docs/Infrastructure_Architecture.md: private endpoints and Key Vault secrets
// from the golden snapshots and the Bicep modules, SKUs and estimates per environment, connection-string
// formats from the modules' outputs.
import type { ResolvedDeployment } from '@complianceflow/cli/config/registry.ts';
import type { Registry } from '@complianceflow/cli/config/types.ts';
import { connectionStringTable } from './connection-strings.ts';
import { privateEndpointTable } from './endpoint-table.ts';
import { referenceDeployments } from './references.ts';
import { secretTable } from './secret-table.ts';
import { skuTable } from './sku-table.ts';

/** The platform blocks of the architecture document. */
export function platformRenderers(registry: Registry, deployments: ResolvedDeployment[]): Record<string, () => string> {
  const references = () => referenceDeployments(registry, deployments);
  return {
    'private-endpoints': () => privateEndpointTable(references(), registry.root),
    'secret-names': () => secretTable(registry, references(), registry.root),
    'connection-strings': () => connectionStringTable(),
    'sku-per-environment': () => skuTable(registry, references()),
  };
}
