// What-if as a pull-request comment: summary first, one table per change type, a collapsible
// <details> per changed resource with its property deltas. Values are already masked in the model.
import { longestBacktickRun } from './format-values.ts';
import { changeKinds, summaryLine, type ChangeKind, type ResourceChange, type WhatIfModel } from './model.ts';
import { suppressedMarkdownLines } from './render-suppressed.ts';
import { propertyLines } from './render-text.ts';
import { changeSymbols } from './symbols.ts';

export interface MarkdownOptions {
  /** Heading, e.g. "What-if: westeu-test-1". */
  title?: string;
  /**
   * Longest output; beyond it the per-resource details are left out (tables stay). Default 60000:
   * GitHub refuses comments over 65536 characters.
   */
  maxLength?: number;
}

export const defaultMarkdownMaxLength = 60_000;

const sectionTitles: Record<ChangeKind, string> = {
  create: 'To create',
  modify: 'To modify',
  delete: 'To delete',
  detach: 'To detach (kept in Azure, no longer managed)',
  deploy: 'To redeploy',
  noChange: 'Unchanged',
  ignore: 'Ignored',
  unsupported: 'Not supported by what-if',
};

/** Table cell text: no pipes or line breaks break the table. */
export function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function code(text: string): string {
  const fence = '`'.repeat(longestBacktickRun(text) + 1);
  return fence.length > 1 ? `${fence} ${text} ${fence}` : `\`${text}\``;
}

/**
 * The scope column: the resource group's name, "subscription", or the scope itself (management
 * group, tenant); an extension resource's scope (a resource) as its group and the resource's name.
 */
export function scopeLabel(scope: string): string {
  const match = /^\/subscriptions\/[^/]+(?:\/resourceGroups\/([^/]+))?(?:\/providers\/[^/]+\/(.+))?$/i.exec(scope);
  if (match === null) return scope;
  const [, group, resource] = match;
  // Below the provider namespace: type/name pairs; the names say which resource it is.
  const names = resource?.split('/').filter((_, i) => i % 2 === 1).join('/');
  const where = group ?? 'subscription';
  return names === undefined || names === '' ? where : `${where} (on ${names})`;
}

function table(changes: readonly ResourceChange[]): string[] {
  const lines = ['| Resource | Type | Scope |', '| --- | --- | --- |'];
  for (const c of changes) {
    const name = c.displayName.split('/').filter((_, i) => i >= 2 && i % 2 === 0).join('/') || c.displayName;
    lines.push(`| ${cell(code(name))}${c.potential ? ' (potential)' : ''} | ${cell(c.type)} | ${cell(code(scopeLabel(c.scope)))} |`);
  }
  return lines;
}

function details(change: ResourceChange): string[] {
  const body = propertyLines(change, '').join('\n').replace(/^\n+|\n+$/g, '');
  if (body === '') return [];
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(body) + 1));
  return [
    '<details>',
    `<summary>${changeSymbols[change.kind]} <code>${escapeHtml(change.displayName)}</code></summary>`,
    '',
    `${fence}text`,
    body,
    fence,
    '',
    '</details>',
  ];
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function renderMarkdown(model: WhatIfModel, options: MarkdownOptions = {}): string {
  const full = render(model, options, true);
  if (full.length <= (options.maxLength ?? defaultMarkdownMaxLength)) return full;
  return render(model, options, false);
}

function render(model: WhatIfModel, options: MarkdownOptions, withDetails: boolean): string {
  const lines: string[] = [];
  if (options.title !== undefined) lines.push(`### ${options.title}`, '');
  lines.push(`**${summaryLine(model.summary)}**`, '');
  if (!withDetails) lines.push('_Property changes and unchanged resources left out: too long for a comment._', '');
  for (const kind of changeKinds) {
    const changes = model.changes.filter((c) => c.kind === kind);
    if (changes.length === 0) continue;
    const quiet = kind === 'noChange' || kind === 'ignore';
    if (quiet && !withDetails) {
      lines.push(`_${sectionTitles[kind]} (${changes.length}): not listed._`, '');
      continue;
    }
    if (quiet) {
      lines.push('<details>', `<summary>${sectionTitles[kind]} (${changes.length})</summary>`, '', ...table(changes), '', '</details>', '');
      continue;
    }
    lines.push(`#### ${changeSymbols[kind]} ${sectionTitles[kind]} (${changes.length})`, '', ...table(changes), '');
    for (const change of withDetails ? changes : []) {
      const block = details(change);
      if (block.length > 0) lines.push(...block, '');
    }
  }
  if (model.denySettingsDelta.length > 0) {
    lines.push('#### Deny settings of the stack', '', '| Property | Before | After |', '| --- | --- | --- |');
    for (const d of model.denySettingsDelta) {
      lines.push(`| ${cell(code(d.path))} | ${cell(JSON.stringify(d.before) ?? '')} | ${cell(JSON.stringify(d.after) ?? '')} |`);
    }
    lines.push('');
  }
  if (model.diagnostics.length > 0) {
    lines.push('#### Diagnostics', '');
    for (const d of model.diagnostics) lines.push(`- **${cell(d.level)}** ${code(d.code)}: ${cell(d.message)}`);
    lines.push('');
  }
  lines.push(...suppressedMarkdownLines(model));
  return `${lines.join('\n').trimEnd()}\n`;
}
