// The run report's noise section: what the what-if after a successful deploy still showed, as
// candidate rules for deployments/what-if-rules.yaml with snippets to paste (text and markdown).
import type { NoiseRecord } from './model.ts';
import { noiseRulesFile } from '../whatif/noise.ts';

/** "no noise", or how many candidate rules and resource changes the what-if after the deploy left. */
export function noiseLine(noise: NoiseRecord): string {
  if (noise.notRun !== undefined) return `not checked — ${noise.notRun}`;
  if (noise.candidates.length === 0 && noise.resources.length === 0) return 'no noise (the what-if after the deploy shows no change)';
  const parts: string[] = [];
  if (noise.candidates.length > 0) parts.push(`${noise.candidates.length} candidate rule(s) for ${noiseRulesFile}`);
  if (noise.resources.length > 0) parts.push(`${noise.resources.length} resource change(s) no rule can drop`);
  return `the what-if after the deploy still shows changes: ${parts.join(', ')}`;
}

/** Each candidate's type, path and count, then the rules to paste (text report). */
export function noiseTextLines(noise: NoiseRecord): string[] {
  if (noise.notRun !== undefined) return [];
  const lines = noise.candidates.map((c) => `            ${c.type} ${c.path} (${c.changes} change(s): ${c.resourceIds.join(', ')})`);
  lines.push(...noise.resources.map((r) => `            ${r.kind}: ${r.resourceId}`));
  if (noise.candidates.length > 0) lines.push(`            to drop them, review and paste under rules: in ${noiseRulesFile}:`, ...noise.candidates.flatMap((c) => c.snippet.split('\n').map((l) => `            ${l}`)));
  return lines;
}

export function noiseMarkdownLines(noise: NoiseRecord): string[] {
  const lines = [`**Noise:** ${noiseLine(noise)}`, ''];
  if (noise.notRun !== undefined) return lines;
  if (noise.candidates.length > 0) {
    lines.push('| Type | Path | Changes |', '|---|---|---:|', ...noise.candidates.map((c) => `| ${c.type} | \`${c.path}\` | ${c.changes} |`), '');
    lines.push(`Candidate rules for \`${noiseRulesFile}\` (write the reason before pasting):`, '', '```yaml', ...noise.candidates.map((c) => c.snippet), '```', '');
  }
  if (noise.resources.length > 0) lines.push('| Change | Resource |', '|---|---|', ...noise.resources.map((r) => `| ${r.kind} | \`${r.resourceId}\` |`), '');
  return lines;
}
