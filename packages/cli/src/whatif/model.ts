// One model for both what-if flavours ARM offers: the deployment what-if (Microsoft.Resources
// deployments, changeType `Create`/`Modify`, property deltas with `propertyChangeType`) and the
// deployment stack what-if (deploymentStacksWhatIfResults 2025-07-01, camelCase `create`/`detach`,
// deltas with `changeType`). Renderers (text, markdown, JSON) only ever see this model.

/** What happens to a resource. `detach` only comes from stacks (prod's actionOnUnmanage). */
export const changeKinds = ['create', 'modify', 'delete', 'detach', 'deploy', 'unsupported', 'noChange', 'ignore'] as const;
export type ChangeKind = (typeof changeKinds)[number];

/** What happens to one property. `noEffect` deltas are dropped by the normaliser (counted in `suppressed`). */
export type PropertyChangeKind = 'create' | 'delete' | 'modify' | 'array' | 'noEffect';

export interface PropertyChange {
  /** Full path from the resource root: `properties.sku.name`, `properties.subnets[0].name`. */
  path: string;
  kind: PropertyChangeKind;
  before?: unknown;
  after?: unknown;
  /** Element changes of an `array` change (and property changes inside a modified element). */
  children?: PropertyChange[];
}

export interface ResourceChange {
  resourceId: string;
  /** The scope the resource lives in: `/subscriptions/<id>/resourceGroups/<rg>`, or the subscription. */
  scope: string;
  /** `Microsoft.Network/virtualNetworks` */
  type: string;
  /** The id below its scope, as az prints it: `Microsoft.Network/virtualNetworks/vnet-1/subnets/db`. */
  displayName: string;
  apiVersion: string | undefined;
  kind: ChangeKind;
  /** Stack what-if: whether ARM is sure (`definite`) or it depends on deployment-time values (`potential`). */
  potential: boolean;
  /** Property deltas of a modify, noise removed, secrets masked. */
  delta: PropertyChange[];
  /** The resource's properties after a create / before a delete (noise removed, secrets masked). */
  properties: Record<string, unknown> | undefined;
  /** How many property changes were dropped as noise (a noise rule matched, or ARM said noEffect). */
  suppressed: number;
  unsupportedReason?: string;
}

export interface Summary {
  create: number;
  modify: number;
  delete: number;
  detach: number;
  deploy: number;
  noChange: number;
  ignore: number;
  unsupported: number;
}

/** One noise rule that dropped property changes, and how many. */
export interface SuppressedRule {
  type: string;
  path: string;
  reason: string;
  expires: string;
  count: number;
}

/** What the normaliser dropped from the diff: by rule (deployments/what-if-rules.yaml) and ARM's own noEffect changes. */
export interface Suppressed {
  /** All property changes dropped: noEffect plus every rule's count. */
  total: number;
  /** Property changes ARM itself marks `noEffect`. */
  noEffect: number;
  /** The rules used, in file order. */
  rules: SuppressedRule[];
}

export interface WhatIfModel {
  source: 'deployment' | 'stack';
  summary: Summary;
  changes: ResourceChange[];
  /** Stack what-if: changes to the stack's own deny settings. */
  denySettingsDelta: PropertyChange[];
  /** Warnings and errors ARM attached to the what-if result. */
  diagnostics: { level: string; code: string; message: string; target?: string }[];
  /** The "suppressed (N)" section: property changes dropped as noise, by rule. */
  suppressed: Suppressed;
}

export function summarise(changes: readonly ResourceChange[]): Summary {
  const summary: Summary = { create: 0, modify: 0, delete: 0, detach: 0, deploy: 0, noChange: 0, ignore: 0, unsupported: 0 };
  for (const change of changes) summary[change.kind]++;
  return summary;
}

/**
 * True when applying would change something: a resource to create, modify, delete, detach or
 * redeploy (`deploy`: ARM cannot tell whether properties change), or new deny settings.
 * `noChange`, `ignore` and `unsupported` are not changes. For `--detailed-exitcode`.
 */
export function hasChanges(model: WhatIfModel): boolean {
  const s = model.summary;
  return s.create + s.modify + s.delete + s.detach + s.deploy > 0 || model.denySettingsDelta.length > 0;
}

/** "3 to create, 1 to modify, 0 to delete, 0 to detach, 41 unchanged" (+ ignored/unsupported/redeploy when present). */
export function summaryLine(summary: Summary): string {
  const parts = [
    `${summary.create} to create`,
    `${summary.modify} to modify`,
    `${summary.delete} to delete`,
    `${summary.detach} to detach`,
  ];
  if (summary.deploy > 0) parts.push(`${summary.deploy} to redeploy`);
  parts.push(`${summary.noChange} unchanged`);
  if (summary.ignore > 0) parts.push(`${summary.ignore} ignored`);
  if (summary.unsupported > 0) parts.push(`${summary.unsupported} not supported by what-if`);
  return parts.join(', ');
}
