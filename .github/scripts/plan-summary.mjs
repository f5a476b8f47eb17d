// Markdown for the CI job summary from `cf-infra plan --all --json`: per deployment, the policy
// result (denied/audited findings) and the monthly cost estimate against its budget.
// Usage: node .github/scripts/plan-summary.mjs plan.json
import { readFileSync } from 'node:fs';

const money = (n) => `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

export function planSummary(plans) {
  const lines = [
    '## Offline plan: policy and cost',
    '',
    '| Deployment | Policy | Monthly estimate | At caps | Budget |',
    '| --- | --- | ---: | ---: | --- |',
  ];
  for (const p of plans) {
    const policy = p.policy.denied > 0 ? `❌ ${p.policy.denied} denied` : p.policy.audited > 0 ? `⚠️ ${p.policy.audited} audited` : `✅ ${p.policy.evaluated} checks passed`;
    const budget = p.cost.budget === undefined ? '-' : p.cost.budget.withinBudget ? `✅ within ${money(p.cost.budget.budgetUsd)}` : `❌ over ${money(p.cost.budget.budgetUsd)}`;
    lines.push(`| ${p.deployment} | ${policy} | ${money(p.cost.monthlyTotal)} | ${money(p.cost.monthlyTotalAtCaps)} | ${budget} |`);
  }
  const findings = plans.flatMap((p) => p.policy.results.map((r) => ({ deployment: p.deployment, ...r })));
  if (findings.length > 0) {
    lines.push('', '### Policy findings', '', '```json', JSON.stringify(findings, null, 2), '```');
  }
  const table = plans[0]?.cost.priceTable;
  if (table !== undefined) lines.push('', `Prices: ${table.file} (${table.date}).`);
  return lines.join('\n') + '\n';
}

if (import.meta.main) {
  const file = process.argv[2];
  if (file === undefined) {
    console.error('usage: node .github/scripts/plan-summary.mjs <plan.json>');
    process.exit(2);
  }
  const parsed = JSON.parse(readFileSync(file, 'utf8'));
  process.stdout.write(planSummary(Array.isArray(parsed) ? parsed : [parsed]));
}
