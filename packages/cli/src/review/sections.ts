// One deployment's section of the pull-request comment: cost change, policy findings, the failure
// (message and hint, as the terminal shows them) and the what-if. Compact sections keep the figures
// and cut the lists; full ones (the job summary) keep everything.
import { costLine, formatUsd, hasBase, type CostDelta, type LineItemChange } from '../cost/index.ts';
import type { PolicyEvaluation } from '@complianceflow/core/policy/index.ts';
import { longestBacktickRun } from '../whatif/format-values.ts';
import { cell, code, renderMarkdown } from '../whatif/render-markdown.ts';
import { summaryLine, type WhatIfModel } from '../whatif/index.ts';
import { reviewStatus, type DeploymentReview, type ReviewFailure } from './model.ts';

/** Rows of a list (line items, policy findings) a compact section keeps. */
export const compactRows = 10;
/** Characters of a failure message a compact section keeps. */
export const compactMessageLength = 4000;

function limit<T>(items: readonly T[], full: boolean): { shown: readonly T[]; more: number } {
  return full || items.length <= compactRows ? { shown: items, more: 0 } : { shown: items.slice(0, compactRows), more: items.length - compactRows };
}

/**
 * GitHub reads text between two dollar signs on a line as math ("$155.86 → $160.05 / month (+$4.19"):
 * escaped, each shows as a dollar sign (https://docs.github.com/en/get-started/writing-on-github/working-with-advanced-formatting/writing-mathematical-expressions).
 */
export const escapeDollars = (text: string): string => text.replaceAll('$', '\\$');

const moreLine = (more: number, what: string): string[] => (more > 0 ? [`_… and ${more} more ${what} (in the job summary)._`, ''] : []);
const money = (value: number | undefined): string => (value === undefined ? '—' : escapeDollars(formatUsd(value)));

function lineItemRow(item: LineItemChange): string {
  const change = escapeDollars(`${item.diff > 0 ? '+' : ''}${formatUsd(item.diff)}`);
  return `| ${cell(code(item.name))} | ${cell(item.type)} | ${money(item.before)} | ${money(item.after)} | ${change} |`;
}

export function costSection(delta: CostDelta, full: boolean): string[] {
  const lines = [`**${escapeDollars(costLine(delta))}**${delta.budget.withinBudget ? '' : ' ❌'}`, ''];
  if (!hasBase(delta.base)) return lines;
  lines.push(`Base: ${delta.base.source}.`, '');
  if (delta.changed === undefined) return [...lines, '_Line items: the base carries its total only._', ''];
  if (delta.changed.length === 0) return [...lines, '_No line item changed._', ''];
  const { shown, more } = limit(delta.changed, full);
  return [
    ...lines,
    '<details>',
    `<summary>Line items that changed (${delta.changed.length})</summary>`,
    '',
    '| Resource | Type | Before | After | Change |',
    '| --- | --- | ---: | ---: | ---: |',
    ...shown.map(lineItemRow),
    '',
    ...moreLine(more, 'line items'),
    '</details>',
    '',
  ];
}

const effectLabel = (effect: string): string => (effect.toLowerCase() === 'deny' ? '❌ deny' : `⚠️ ${effect.toLowerCase()}`);

export function policySection(policy: PolicyEvaluation, full: boolean): string[] {
  const lines = [`**Policy: ${policy.denied} denied, ${policy.audited} audited** (${policy.evaluated} evaluations)${policy.denied > 0 ? ': a deny fails the check' : ''}`, ''];
  if (policy.results.length === 0) return lines;
  // Denials first: they are what fails the check.
  const results = [...policy.results].sort((a, b) => Number(b.effect.toLowerCase() === 'deny') - Number(a.effect.toLowerCase() === 'deny'));
  const { shown, more } = limit(results, full);
  lines.push('| Effect | Rule | Resource | Reason |', '| --- | --- | --- | --- |');
  for (const r of shown) lines.push(`| ${effectLabel(r.effect)} | ${cell(`${r.policy} (${r.assignment})`)} | ${cell(code(`${r.resourceType}/${r.name}`))} | ${cell(r.reason)} |`);
  return [...lines, '', ...moreLine(more, 'policy findings')];
}

export function failureSection(failure: ReviewFailure, full: boolean): string[] {
  const message = full || failure.message.length <= compactMessageLength ? failure.message : `${failure.message.slice(0, compactMessageLength)}\n… (cut: the job summary has all of it)`;
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(message) + 1));
  const hint = failure.hint === undefined ? [] : [`**Hint:** ${failure.hint.replace(/\r?\n/g, ' ')}`, ''];
  return [`**What-if failed** (exit ${failure.exitCode}):`, '', `${fence}text`, message, fence, '', ...hint];
}

const statusIcon = (review: DeploymentReview): string => (reviewStatus(review) === 'ok' ? '✅' : '❌');

/**
 * How much of a deployment a section shows: `full` everything; `compact` the figures, cut lists and
 * the what-if's tables without property changes; `brief` the figures, cut lists and the what-if's
 * counts only (its resource tables are left to the job summary).
 */
export type SectionDetail = 'full' | 'compact' | 'brief';

function whatIfPart(model: WhatIfModel, detail: SectionDetail): string {
  if (detail === 'brief') return `**${summaryLine(model.summary)}**\n\n_Resource tables left out: too long for a comment._`;
  return renderMarkdown(model, { maxLength: detail === 'full' ? Number.POSITIVE_INFINITY : 0 }).trimEnd();
}

/** The section of one deployment. */
export function deploymentSection(review: DeploymentReview, detail: SectionDetail): string {
  const full = detail === 'full';
  const lines = [`### ${statusIcon(review)} ${review.deployment}`, ''];
  if (review.cost !== undefined) lines.push(...costSection(review.cost, full));
  if (review.policy !== undefined) lines.push(...policySection(review.policy, full));
  if (review.failure !== undefined) lines.push(...failureSection(review.failure, full));
  if (review.whatIf !== undefined) lines.push(whatIfPart(review.whatIf, detail), '');
  return `${lines.join('\n').trimEnd()}\n`;
}
