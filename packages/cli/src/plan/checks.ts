// The offline checks every plan runs on the predicted resources: the environment's policy
// assignments (a deny fails the plan, an audit warns) and the cost estimate against the budget.
import { estimateCost, checkBudget, type BudgetCheck, type CostEstimate } from '../cost/index.ts';
import { baselineExclusions, evaluatePolicies, platformCreatedGroups, type ArmResource, type PolicyEvaluation } from '@complianceflow/core/policy/index.ts';
import { alignColumns } from '@complianceflow/core/tables.ts';
import type { PlanStage } from './stages.ts';
import { placeholderId } from './target.ts';

const asArmResources = (resources: readonly unknown[]) => resources as unknown as ArmResource[];

export const policyStage: PlanStage<PolicyEvaluation> = {
  key: 'policy',
  // The groups Azure creates itself (the Container Apps infrastructure group) are evaluated too,
  // under the same notScopes bootstrap writes into the assignments: without them, they are denied.
  run: ({ target, resources }) => {
    const predicted = asArmResources(resources);
    return evaluatePolicies([...predicted, ...platformCreatedGroups(predicted, placeholderId)], { environment: target.environment, location: target.location, subscriptionId: placeholderId }, {
      exclusions: baselineExclusions([target.resolved], placeholderId),
    });
  },
  render(policy, colors) {
    const lines = [colors.bold(`Policy: ${policy.denied} denied, ${policy.audited} audited (${policy.evaluated} evaluations)`)];
    const results = policy.results.map((r) => {
      const effect = r.effect.toLowerCase();
      return [effect === 'deny' ? colors.red(effect) : colors.yellow(effect), `${r.resourceType} ${r.name}: ${r.policy} (${r.assignment}) — ${r.reason}`];
    });
    lines.push(...alignColumns(results, { indent: '  ', gap: ' ', minWidths: [5] }));
    for (const e of policy.exempted) {
      const denies = e.suppressed.filter((r) => r.effect.toLowerCase() === 'deny').length;
      const without = denies === 0 ? 'nothing to exempt from' : `without it ${denies} deny result(s), e.g. ${e.suppressed[0]!.policy}`;
      lines.push(`  exempt ${e.resourceType} ${e.name}: ${e.reason}; excluded by notScopes ${e.scope} in every baseline assignment (bootstrap writes it); ${without}`);
    }
    return lines.join('\n');
  },
  failed: (policy) => policy.denied > 0,
};

export interface CostResult extends CostEstimate {
  budget: BudgetCheck;
}

export const costStage: PlanStage<CostResult> = {
  key: 'cost',
  run({ target, resources }) {
    const estimate = estimateCost(asArmResources(resources), { location: target.location, environment: target.environment });
    return { ...estimate, budget: checkBudget(estimate, target.resolved.settings.budget.monthlyUsd) };
  },
  render(cost, colors) {
    const tiers = Object.entries(cost.byTier)
      .sort(([, a], [, b]) => b - a)
      .map(([tier, usd]) => `${tier} $${usd.toFixed(2)}`)
      .join(', ');
    const verdict = cost.budget.withinBudget ? colors.green(cost.budget.message) : colors.red(cost.budget.message);
    const unpriced = cost.notPriced.length > 0 ? `\n  not priced: ${cost.notPriced.map((n) => n.type).join(', ')}` : '';
    return `${colors.bold(`Cost estimate: $${cost.monthlyTotal.toFixed(2)}/month`)} (${cost.priceTable.date} prices; ${tiers})\n  ${verdict}${unpriced}`;
  },
  failed: (cost) => !cost.budget.withinBudget,
};

/** The stages `cf-infra plan` runs, in order. */
export const planStages: PlanStage[] = [policyStage as PlanStage, costStage as PlanStage];
