// The whole sticky pull-request comment of `what-if --format markdown`: one summary row per
// deployment first, then each deployment's section (failed ones first) in full while it fits, else
// compact, else brief (figures and findings, no resource tables), else left for the job summary,
// which the last line links to. GitHub refuses a comment over
// 65,536 characters; the comment stays under maxLength (default 60,000) whatever the input.
import { costChangeCell } from '../cost/index.ts';
import { cell, code, defaultMarkdownMaxLength } from '../whatif/render-markdown.ts';
import type { Summary } from '../whatif/index.ts';
import { reviewStatus, type DeploymentReview } from './model.ts';
import { deploymentSection, escapeDollars, type SectionDetail } from './sections.ts';

/** The hidden marker the workflow finds its one comment by (.github/scripts/sticky-comment.cjs). */
export const commentMarker = '<!-- cf-infra-what-if -->';

export interface CommentOptions {
  /** Longest comment (default 60,000: GitHub refuses more than 65,536 characters). */
  maxLength?: number;
  /** The line under the heading, e.g. "What-if against Azure subscription … (commit abc1234)." */
  intro?: string;
  /** Where the whole output is: a Markdown link to the run's job summary, or a sentence saying where. */
  fullOutput: string;
}

/** Room kept for the closing lines (what was left out, and where it is). */
const footerReserve = 1500;

/** "45 to create, 2 to modify, 120 unchanged": the counts that are not zero. */
export function changeCounts(summary: Summary): string {
  const labels: [keyof Summary, string][] = [['create', 'to create'], ['modify', 'to modify'], ['delete', 'to delete'], ['detach', 'to detach'], ['deploy', 'to redeploy'], ['noChange', 'unchanged'], ['ignore', 'ignored'], ['unsupported', 'not supported']];
  const parts = labels.filter(([key]) => summary[key] > 0).map(([key, label]) => `${summary[key]} ${label}`);
  return parts.length === 0 ? 'nothing' : parts.join(', ');
}

function summaryRow(review: DeploymentReview): string {
  const changes = review.whatIf === undefined ? '—' : changeCounts(review.whatIf.summary);
  const cost = review.cost === undefined ? '—' : costChangeCell(review.cost);
  const policy = review.policy === undefined ? '—' : `${review.policy.denied} denied, ${review.policy.audited} audited`;
  const status = reviewStatus(review);
  return `| ${cell(code(review.deployment))} | ${cell(changes)} | ${escapeDollars(cell(cost))} | ${cell(policy)} | ${status === 'ok' ? '✅ ok' : `❌ ${status}`} |`;
}

const summaryHeader = ['| Deployment | Changes | Cost / month | Policy | Status |', '| --- | --- | --- | --- | --- |'];

/** Names, cut to a length: "a, b, c and 5 more". */
function nameList(names: readonly string[], maxChars = 600): string {
  const shown: string[] = [];
  for (const name of names) {
    if ([...shown, name].join(', ').length > maxChars) break;
    shown.push(name);
  }
  const rest = names.length - shown.length;
  return `${shown.map((n) => `\`${n}\``).join(', ')}${rest > 0 ? ` and ${rest} more` : ''}`;
}

interface Budget {
  /** Takes the text (and the blank line that joins it) when it fits with `reserve` left over. */
  add(text: string, reserve?: number): boolean;
}

function budgetOf(max: number): Budget {
  let used = 0;
  return {
    add(text, reserve = footerReserve) {
      const size = text.length + 2;
      if (used + size + reserve > max) return false;
      used += size;
      return true;
    },
  };
}

interface Body {
  parts: string[];
  /** Deployments whose section is cut, by how much. */
  cut: Record<Exclude<SectionDetail, 'full'>, string[]>;
  omitted: string[];
}

function summaryPart(reviews: readonly DeploymentReview[], budget: Budget, body: Body): void {
  const rows = [...summaryHeader];
  let left = 0;
  for (const review of reviews) {
    const row = summaryRow(review);
    if (left === 0 && budget.add(`${row}\n`)) rows.push(row);
    else left++;
  }
  body.parts.push(rows.join('\n'), ...(left > 0 ? [`_… and ${left} more deployments: too many for one comment._`] : []));
}

/** Each deployment's section at the most detail that still fits; failed deployments first. */
function sectionParts(reviews: readonly DeploymentReview[], budget: Budget, body: Body): void {
  const failedFirst = [...reviews.filter((r) => reviewStatus(r) !== 'ok'), ...reviews.filter((r) => reviewStatus(r) === 'ok')];
  for (const review of failedFirst) {
    const detail = (['full', 'compact', 'brief'] as const).find((d) => {
      const section = deploymentSection(review, d).trimEnd();
      if (!budget.add(section)) return false;
      body.parts.push(section);
      return true;
    });
    if (detail === undefined) body.omitted.push(review.deployment);
    else if (detail !== 'full') body.cut[detail].push(review.deployment);
  }
}

function footer(body: Body, fullOutput: string): string {
  const lines: string[] = [];
  if (body.omitted.length > 0) lines.push(`**Not shown here** (the comment would pass GitHub's size limit): ${nameList(body.omitted)}.`);
  if (body.cut.compact.length > 0) lines.push(`Property changes and long lists cut for ${nameList(body.cut.compact)}.`);
  if (body.cut.brief.length > 0) lines.push(`Resource tables, property changes and long lists cut for ${nameList(body.cut.brief)}.`);
  lines.push(lines.length > 0 ? `The whole what-if: ${fullOutput}.` : `Full output: ${fullOutput}.`);
  return lines.join('\n\n');
}

/** The sticky comment: marker, heading, summary table, sections while they fit, where the rest is. */
export function renderComment(reviews: readonly DeploymentReview[], options: CommentOptions): string {
  const max = options.maxLength ?? defaultMarkdownMaxLength;
  const head = [commentMarker, '## cf-infra what-if', ...(options.intro === undefined ? [] : ['', options.intro])].join('\n');
  const budget = budgetOf(max);
  budget.add(head, 0);
  const body: Body = { parts: [head], cut: { compact: [], brief: [] }, omitted: [] };
  summaryPart(reviews, budget, body);
  sectionParts(reviews, budget, body);
  const text = `${[...body.parts, footer(body, options.fullOutput)].join('\n\n').trimEnd()}\n`;
  // Only an absurd intro or link can get here: cut rather than be refused by GitHub.
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 40))}\n\n_… cut at the size limit._\n`;
}

/** Everything, without a size limit: the job summary and the artifact. */
export function renderFullReview(reviews: readonly DeploymentReview[], intro?: string): string {
  const parts = ['## cf-infra what-if', ...(intro === undefined ? [] : [intro]), [...summaryHeader, ...reviews.map(summaryRow)].join('\n'), ...reviews.map((r) => deploymentSection(r, 'full').trimEnd())];
  return `${parts.join('\n\n').trimEnd()}\n`;
}
