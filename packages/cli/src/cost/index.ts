// The cost estimate of a plan: the dated price table in pricing/ applied to a snapshot's resources.
export { estimateCost, checkBudget, costMarkdown, formatUsd, type CostEstimate, type ResourceCost, type BudgetCheck, type EstimateOptions } from './estimate.ts';
export { loadPriceTable, latestPriceFile, defaultPricingDir, priceOf, usageFor, type PriceTable, type Meter } from './prices.ts';
export { priceResource, freeTypes, type CostLine } from './meters.ts';
export { tierOf } from './tiers.ts';
export { costDelta, costLine, costChangeCell, changedLineItems, hasBase, type CostBase, type NoCostBase, type CostDelta, type CostLineItem, type LineItemChange } from './delta.ts';
