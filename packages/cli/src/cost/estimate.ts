// The monthly cost estimate of a deployment from its snapshot: per resource (with the meters
// behind each figure), per tier and in total, in USD at the dated list prices of pricing/.

import { UsageError } from '@complianceflow/core/errors.ts';
import type { ArmResource } from '@complianceflow/core/policy/types.ts';
import { priceResource, round, type CostLine } from './meters.ts';
import { loadPriceTable, type PriceTable } from './prices.ts';
import { tierOf } from './tiers.ts';

export interface ResourceCost {
  resourceId: string;
  name: string;
  type: string;
  tier: string;
  region: string;
  monthly: number;
  /** Present where usage has a hard ceiling (Log Analytics daily cap): the monthly cost at that ceiling. */
  maxMonthly?: number;
  lines: CostLine[];
  notes: string[];
}

export interface CostEstimate {
  currency: 'USD';
  priceTable: { file: string; date: string; source: string };
  location: string;
  monthlyTotal: number;
  /** The total with every capped meter at its cap: the most the deployment can cost at these prices. */
  monthlyTotalAtCaps: number;
  byResource: ResourceCost[];
  byTier: Record<string, number>;
  /** Resources with no charge of their own (VNets, subnets, secrets, databases, role assignments, ...). */
  freeResources: number;
  /** Resources the estimate could not price: counted as 0, listed so that nobody mistakes 0 for free. */
  notPriced: Array<{ resourceId: string; type: string; reason: string }>;
}

export interface EstimateOptions {
  /** The deployment's Azure region: used for resources without one (global, child resources). */
  location: string;
  /** The environment whose usage assumptions apply (default: each resource's env tag). */
  environment?: string;
  prices?: PriceTable;
}

function normaliseRegion(location: unknown): string | undefined {
  return typeof location === 'string' ? location.replace(/\s+/g, '').toLowerCase() : undefined;
}

/** A private endpoint costs on behalf of the service it connects, so it counts in that service's tier. */
function tierOfResource(resource: ArmResource): string {
  if (resource.type.toLowerCase() === 'microsoft.network/privateendpoints') {
    const connections = (resource.properties?.['privateLinkServiceConnections'] ?? []) as Array<{ properties?: { privateLinkServiceId?: unknown } }>;
    const target = connections[0]?.properties?.privateLinkServiceId;
    const type = typeof target === 'string' ? /\/providers\/([^/]+\/[^/]+)\//i.exec(`${target}/`)?.[1] : undefined;
    if (type !== undefined) return tierOf(type);
  }
  return tierOf(resource.type);
}

export function estimateCost(resources: readonly ArmResource[], options: EstimateOptions): CostEstimate {
  const table = options.prices ?? loadPriceTable();
  const location = normaliseRegion(options.location) ?? '';
  if (!table.regions.includes(location)) {
    throw new UsageError(`no prices for region "${options.location}" in ${table.file}`, `regions priced: ${table.regions.join(', ')}; add the region to the table (cf-infra prices --refresh where there is network access)`);
  }
  const byResource: ResourceCost[] = [];
  const notPriced: CostEstimate['notPriced'] = [];
  let freeResources = 0;
  for (const resource of resources) {
    const resourceId = resource.id ?? resource.name;
    const own = normaliseRegion(resource.location);
    const region = own === undefined || own === 'global' ? location : own;
    if (!table.regions.includes(region)) {
      notPriced.push({ resourceId, type: resource.type, reason: `no prices for region ${region}` });
      continue;
    }
    const tags = resource.tags as Record<string, unknown> | undefined;
    const environment = options.environment ?? (typeof tags?.['env'] === 'string' ? tags['env'] : undefined);
    const priced = priceResource(resource, { table, region, environment });
    if (priced === 'free') {
      freeResources++;
      continue;
    }
    if ('notPriced' in priced) {
      notPriced.push({ resourceId, type: resource.type, reason: priced.notPriced });
      continue;
    }
    const monthly = round(priced.lines.reduce((sum, l) => sum + l.monthly, 0));
    byResource.push({
      resourceId,
      name: resource.name,
      type: resource.type,
      tier: tierOfResource(resource),
      region,
      monthly,
      ...(priced.maxMonthly === undefined ? {} : { maxMonthly: priced.maxMonthly }),
      lines: priced.lines,
      notes: priced.notes,
    });
  }
  const byTier: Record<string, number> = {};
  for (const cost of byResource) byTier[cost.tier] = round((byTier[cost.tier] ?? 0) + cost.monthly);
  return {
    currency: 'USD',
    priceTable: { file: table.file, date: table.date, source: table.source },
    location,
    monthlyTotal: round(byResource.reduce((sum, c) => sum + c.monthly, 0)),
    monthlyTotalAtCaps: round(byResource.reduce((sum, c) => sum + (c.maxMonthly ?? c.monthly), 0)),
    byResource,
    byTier,
    freeResources,
    notPriced,
  };
}

export interface BudgetCheck {
  withinBudget: boolean;
  budgetUsd: number;
  estimateUsd: number;
  /** Budget minus estimate: negative when over. */
  headroomUsd: number;
  message: string;
}

/** "$1,234.50": USD with two decimals (negative values as -$4.19). */
export const formatUsd = (value: number): string => `${value < 0 ? '-' : ''}$${Math.abs(value).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const usd = formatUsd;

/** Compares the estimate's monthly total with a budget; the caller fails the plan when it is over. */
export function checkBudget(estimate: Pick<CostEstimate, 'monthlyTotal'>, monthlyUsd: number): BudgetCheck {
  if (typeof monthlyUsd !== 'number' || !Number.isFinite(monthlyUsd) || monthlyUsd <= 0) {
    throw new UsageError(`budget ${JSON.stringify(monthlyUsd)} is not a positive number of USD per month`, 'set budget.monthlyUsd in the environment profile (deployments/profiles/<env>.yaml)');
  }
  const headroomUsd = round(monthlyUsd - estimate.monthlyTotal);
  const withinBudget = headroomUsd >= 0;
  return {
    withinBudget,
    budgetUsd: monthlyUsd,
    estimateUsd: estimate.monthlyTotal,
    headroomUsd,
    message: withinBudget
      ? `estimated ${usd(estimate.monthlyTotal)}/month, within the budget of ${usd(monthlyUsd)} (${usd(headroomUsd)} to spare)`
      : `estimated ${usd(estimate.monthlyTotal)}/month exceeds the budget of ${usd(monthlyUsd)} by ${usd(-headroomUsd)}`,
  };
}

/** The estimate as a markdown table (plan / what-if markdown). */
export function costMarkdown(estimate: CostEstimate): string {
  const rows = [...estimate.byResource].sort((a, b) => b.monthly - a.monthly);
  const lines = [
    `| Tier | Resource | Type | USD/month | Notes |`,
    `|---|---|---|---:|---|`,
    ...rows.map((r) => `| ${r.tier} | ${r.name} | ${r.type} | ${r.monthly.toFixed(2)}${r.maxMonthly === undefined ? '' : ` (max ${r.maxMonthly.toFixed(2)})`} | ${r.notes.join('; ')} |`),
    `| **Total** | | | **${estimate.monthlyTotal.toFixed(2)}** | at caps: ${estimate.monthlyTotalAtCaps.toFixed(2)} |`,
  ];
  if (estimate.notPriced.length > 0) {
    lines.push('', `Not priced (counted as 0): ${estimate.notPriced.map((n) => `${n.resourceId} (${n.reason})`).join(', ')}`);
  }
  lines.push('', `Prices: ${estimate.priceTable.file}, ${estimate.priceTable.date}, USD pay-as-you-go list prices.`);
  return lines.join('\n');
}
