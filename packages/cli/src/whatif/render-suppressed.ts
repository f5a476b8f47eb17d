// The "suppressed (N)" section of a what-if: which noise rules (deployments/what-if-rules.yaml)
// dropped how many property changes, and how many ARM itself marked noEffect. Shared by the text and
// the markdown renderer; JSON carries the same section as the model's `suppressed`.
import { alignColumns, markdownTable } from '@complianceflow/core/tables.ts';
import { longestBacktickRun } from './format-values.ts';
import type { WhatIfModel } from './model.ts';
import { noiseRulesFile } from './noise.ts';
const noEffectReason = "ARM's own noEffect: the property differs but deploying would not change it";

function title(model: WhatIfModel): string {
  return `Suppressed (${model.suppressed.total})`;
}

/** Text lines of the section; none when nothing was suppressed. */
export function suppressedTextLines(model: WhatIfModel): string[] {
  const { suppressed } = model;
  if (suppressed.total === 0) return [];
  const rows = suppressed.rules.map((r) => [String(r.count), r.type, r.path, `${r.reason} (until ${r.expires})`]);
  if (suppressed.noEffect > 0) rows.push([String(suppressed.noEffect), '', '', noEffectReason]);
  return [`${title(model)}: property changes left out as noise, by rule of ${noiseRulesFile}:`, ...alignColumns(rows, { indent: '  ', gap: '  ', align: ['right'] }), ''];
}

function code(text: string): string {
  const fence = '`'.repeat(longestBacktickRun(text) + 1);
  return fence.length > 1 ? `${fence} ${text} ${fence}` : `\`${text}\``;
}

/** Markdown lines of the section (collapsed); none when nothing was suppressed. */
export function suppressedMarkdownLines(model: WhatIfModel): string[] {
  const { suppressed } = model;
  if (suppressed.total === 0) return [];
  const rows = suppressed.rules.map((r) => [String(r.count), code(r.type), code(r.path), r.reason, r.expires]);
  if (suppressed.noEffect > 0) rows.push([String(suppressed.noEffect), '', '', noEffectReason, '']);
  return [
    '<details>',
    `<summary>${title(model)}: property changes left out as noise (rules in <code>${noiseRulesFile}</code>)</summary>`,
    '',
    markdownTable(['Changes', 'Type', 'Path', 'Reason', 'Expires'], rows),
    '',
    '</details>',
    '',
  ];
}
