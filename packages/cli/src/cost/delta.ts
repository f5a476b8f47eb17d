// The cost change a pull request (or a deploy) makes: the head's estimate against a base (the base
// branch's golden snapshot priced now, or the last successful run), the budget's headroom, and the
// line items that changed. Pure: the caller finds the base.
import type { BudgetCheck, CostEstimate, ResourceCost } from './estimate.ts';
import { formatUsd } from './estimate.ts';
import { round } from './meters.ts';

export type CostLineItem = Pick<ResourceCost, 'resourceId' | 'name' | 'type' | 'monthly'>;

export interface CostBase {
  /** Where the base comes from, e.g. "origin/main" or "run 20261205T101500Z-ab12". */
  source: string;
  monthlyTotal: number;
  /** The line items, when the base carries them (an older run report has the total only). */
  byResource?: CostLineItem[];
}

/** No base to compare with, and why ("no earlier successful run", "no snapshot at origin/main"). */
export interface NoCostBase {
  none: string;
}

export interface LineItemChange {
  resourceId: string;
  name: string;
  type: string;
  /** Absent: the item is new. */
  before?: number;
  /** Absent: the item is gone. */
  after?: number;
  diff: number;
}

export interface CostDelta {
  head: number;
  budget: BudgetCheck;
  base: CostBase | NoCostBase;
  /** head - base; absent without a base. */
  diff?: number;
  /** The change in per cent of the base; absent without a base or when the base is 0. */
  percent?: number;
  /** The line items that changed; absent when the base has no line items. */
  changed?: LineItemChange[];
}

export const hasBase = (base: CostBase | NoCostBase): base is CostBase => !('none' in base);

/** Line items added, removed or changed in price, the largest change first. */
export function changedLineItems(base: readonly CostLineItem[], head: readonly CostLineItem[]): LineItemChange[] {
  const before = new Map(base.map((item) => [item.resourceId, item]));
  const after = new Map(head.map((item) => [item.resourceId, item]));
  const changes: LineItemChange[] = [];
  for (const [id, item] of after) {
    const old = before.get(id);
    const diff = round(item.monthly - (old?.monthly ?? 0));
    if (old === undefined || diff !== 0) changes.push({ resourceId: id, name: item.name, type: item.type, ...(old === undefined ? {} : { before: old.monthly }), after: item.monthly, diff });
  }
  for (const [id, item] of before) {
    if (!after.has(id)) changes.push({ resourceId: id, name: item.name, type: item.type, before: item.monthly, diff: round(-item.monthly) });
  }
  return changes.sort((a, b) => Math.abs(b.diff) - Math.abs(a.diff) || a.name.localeCompare(b.name));
}

export function costDelta(head: Pick<CostEstimate, 'monthlyTotal' | 'byResource'>, budget: BudgetCheck, base: CostBase | NoCostBase): CostDelta {
  if (!hasBase(base)) return { head: head.monthlyTotal, budget, base };
  const diff = round(head.monthlyTotal - base.monthlyTotal);
  return {
    head: head.monthlyTotal,
    budget,
    base,
    diff,
    ...(base.monthlyTotal === 0 ? {} : { percent: (diff / base.monthlyTotal) * 100 }),
    ...(base.byResource === undefined ? {} : { changed: changedLineItems(base.byResource, head.byResource) }),
  };
}

const signed = (value: number, text: string): string => (value > 0 ? `+${text}` : value < 0 ? `-${text.replace(/^-/, '')}` : text);

function change(delta: CostDelta): string {
  if (!hasBase(delta.base)) return `no base: ${delta.base.none}`;
  if (delta.diff === 0) return 'no change';
  const money = signed(delta.diff!, formatUsd(delta.diff!));
  return delta.percent === undefined ? money : `${money}, ${signed(delta.percent, Math.abs(delta.percent).toFixed(1))} %`;
}

function headroom(budget: BudgetCheck): string {
  const room = formatUsd(Math.abs(budget.headroomUsd));
  return budget.withinBudget ? `budget ${formatUsd(budget.budgetUsd)}, ${room} to spare` : `budget ${formatUsd(budget.budgetUsd)}, ${room} over budget`;
}

/** "Cost: $155.86 → $160.05 / month (+$4.19, +2.7 %); budget $200.00, $39.95 to spare". */
export function costLine(delta: CostDelta): string {
  const figures = hasBase(delta.base) ? `${formatUsd(delta.base.monthlyTotal)} → ${formatUsd(delta.head)}` : formatUsd(delta.head);
  return `Cost: ${figures} / month (${change(delta)}); ${headroom(delta.budget)}`;
}

/** The change column of a summary: "+$4.19 (+2.7 %)", "no change", "$160.05 (no base)". */
export function costChangeCell(delta: CostDelta): string {
  if (!hasBase(delta.base)) return `${formatUsd(delta.head)} (no base)`;
  return delta.diff === 0 ? 'no change' : change(delta).replace(/, (.*)$/, ' ($1)');
}
