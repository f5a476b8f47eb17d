// The dated price table in pricing/prices-<date>.json: USD pay-as-you-go list prices per meter and
// region, and the usage assumptions the estimate needs where a snapshot cannot say how much will be used.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@complianceflow/core/repo-root.ts';
import { ConfigError } from '@complianceflow/core/errors.ts';

export const defaultPricingDir = join(repoRoot, 'pricing');

export interface Meter {
  unit: string;
  description: string;
  prices: Record<string, number>;
}

export type UsageAssumption = Record<string, number> & { default: number };

export interface PriceTable {
  file: string;
  date: string;
  currency: 'USD';
  source: string;
  regions: string[];
  hoursPerMonth: number;
  daysPerMonth: number;
  usage: Record<'logAnalyticsGbPerDay' | 'vnetFlowLogGbPerMonth' | 'storageGbPerAccount' | 'keyVaultOperationsPerMonth', UsageAssumption>;
  meters: Record<string, Meter>;
}

const usageKeys = ['logAnalyticsGbPerDay', 'vnetFlowLogGbPerMonth', 'storageGbPerAccount', 'keyVaultOperationsPerMonth'] as const;

/** The newest pricing/prices-<YYYY-MM-DD>.json. */
export function latestPriceFile(dir: string = defaultPricingDir): string {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => /^prices-\d{4}-\d{2}-\d{2}\.json$/.test(f)).sort();
  } catch {
    files = [];
  }
  const latest = files[files.length - 1];
  if (latest === undefined) throw new ConfigError([`${dir}: no price table (pricing/prices-<YYYY-MM-DD>.json)`]);
  return join(dir, latest);
}

const isPrice = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;

/** Reads and checks a price table: every meter priced in every region, every usage assumption with a default. */
export function loadPriceTable(file: string = latestPriceFile()): PriceTable {
  const display = file.includes('/pricing/') ? `pricing/${file.split('/pricing/')[1]}` : file;
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError([`${display}: not a readable JSON price table (${(error as Error).message})`]);
  }
  const problems: string[] = [];
  if (typeof doc['date'] !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(doc['date'])) problems.push(`${display}: date: must be YYYY-MM-DD`);
  if (doc['currency'] !== 'USD') problems.push(`${display}: currency: must be "USD"`);
  if (typeof doc['source'] !== 'string' || doc['source'] === '') problems.push(`${display}: source: must say where the prices come from`);
  const regions = Array.isArray(doc['regions']) ? (doc['regions'] as unknown[]).filter((r): r is string => typeof r === 'string') : [];
  if (regions.length === 0) problems.push(`${display}: regions: must list the regions priced`);
  for (const key of ['hoursPerMonth', 'daysPerMonth']) if (!isPrice(doc[key]) || doc[key] === 0) problems.push(`${display}: ${key}: must be a positive number`);
  const usage = (doc['usage'] ?? {}) as Record<string, Record<string, unknown>>;
  for (const key of usageKeys) {
    if (!isPrice(usage[key]?.['default'])) problems.push(`${display}: usage.${key}.default: must be a non-negative number`);
  }
  const meters = (doc['meters'] ?? {}) as Record<string, Meter>;
  for (const [id, meter] of Object.entries(meters)) {
    for (const region of regions) {
      if (!isPrice(meter?.prices?.[region])) problems.push(`${display}: meters.${id}.prices.${region}: must be a non-negative number`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { ...(doc as unknown as Omit<PriceTable, 'file'>), regions, file: display };
}

/** The price of a meter in a region; a missing meter is a bug in the estimator or the table, said plainly. */
export function priceOf(table: PriceTable, meter: string, region: string): number {
  const entry = table.meters[meter];
  if (entry === undefined) throw new ConfigError([`${table.file}: no meter "${meter}" (add it to the price table)`]);
  const price = entry.prices[region];
  if (price === undefined) throw new ConfigError([`${table.file}: meter "${meter}" has no price for ${region}`]);
  return price;
}

/** A usage assumption for an environment (its own value, else the default). */
export function usageFor(table: PriceTable, key: keyof PriceTable['usage'], environment: string | undefined): number {
  const values = table.usage[key];
  return (environment !== undefined ? values[environment] : undefined) ?? values.default;
}
