// Which tier a resource belongs to, from its type: the estimate adds costs up per tier the way the
// Bicep modules are cut (networking, monitoring, database, cache, messaging, security, containers).

const tierByNamespace: Array<[prefix: string, tier: string]> = [
  ['microsoft.network/privateendpoints', 'networking'],
  ['microsoft.network/', 'networking'],
  ['microsoft.storage/', 'networking'], // the flow-logs storage account
  ['microsoft.operationalinsights/', 'monitoring'],
  ['microsoft.insights/', 'monitoring'],
  ['microsoft.alertsmanagement/', 'monitoring'],
  ['microsoft.dbforpostgresql/', 'database'],
  ['microsoft.cache/', 'cache'],
  ['microsoft.eventhub/', 'messaging'],
  ['microsoft.keyvault/', 'security'],
  ['microsoft.managedidentity/', 'security'],
  ['microsoft.authorization/', 'security'],
  ['microsoft.containerregistry/', 'containers'],
  ['microsoft.app/', 'containers'],
  ['microsoft.resources/', 'foundation'],
];

export function tierOf(type: string): string {
  const lower = type.toLowerCase();
  return tierByNamespace.find(([prefix]) => lower.startsWith(prefix))?.[1] ?? 'other';
}
