// A run report as text (terminal, report.txt), JSON (machines) and markdown (job summary, report.md).
import { totalDurationMs, type KeyVaultRetention, type RunReport } from './model.ts';
import { alignColumns } from '@complianceflow/core/tables.ts';
import { noiseLine, noiseMarkdownLines, noiseTextLines } from './render-noise.ts';

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

function resultLine(report: RunReport): string {
  switch (report.outcome) {
    case 'succeeded':
      if (report.command.startsWith('destroy')) return `${report.deployment}: destroyed (stack ${report.stack} and its managed resources deleted)`;
      return `${report.deployment}: deployed (stack ${report.stack} ${report.result?.provisioningState ?? ''}, ${report.result?.managedResources ?? 0} managed resources)`;
    case 'no-changes':
      return `${report.deployment}: no changes; the stack was not written`;
    case 'cancelled':
      return `${report.deployment}: not deployed (not confirmed)`;
    case 'interrupted':
      return `${report.deployment}: INTERRUPTED${report.error ? ` — ${report.error.message.split('\n')[0]}` : ''}`;
    default:
      return `${report.deployment}: FAILED${report.error ? ` — ${report.error.message.split('\n')[0]}` : ''}`;
  }
}

/** Where the template came from, and whether it was kept for a later --template-from-run or rollback. */
function templateLine(a: NonNullable<RunReport['artifact']>): string {
  const from = a.from === undefined ? 'compiled from this checkout' : a.from.kind === 'rollback' ? `rolled back to run ${a.from.runId} (its template and parameters)` : `from run ${a.from.runId} of ${a.from.deployment}`;
  const omitted = a.secureParametersOmitted.length === 0 ? '' : `, secure parameters not stored: ${a.secureParametersOmitted.join(', ')}`;
  return `${from}; sha256 ${a.templateSha256.slice(0, 12)}; ${a.stored ? `kept with this report (template.json, parameters.json${omitted})` : 'not kept (the run did not succeed)'}`;
}

function databasesLine(d: NonNullable<RunReport['databases']>): string {
  if (!d.ran) return `not run — ${d.notRun ?? ''}`;
  const passed = d.results.filter((r) => r.status === 'pass').length;
  const set = d.results.filter((r) => r.status === 'pass' && r.reason.startsWith('password of ')).length;
  const failed = d.results.filter((r) => r.status !== 'pass').map((r) => r.name);
  return `${passed} of ${d.results.length} service databases applied (${set} password(s) set from Key Vault)${failed.length === 0 ? '' : `; failed: ${failed.join(', ')}`}`;
}

function secretsLine(s: NonNullable<RunReport['secrets']>): string {
  if (s.notRun !== undefined) return `not done — ${s.notRun}`;
  const parts = [`${s.created.length} created${s.created.length === 0 ? '' : ` (${s.created.join(', ')})`}`, `${s.kept.length} kept`];
  if (s.operatorMissing.length > 0) parts.push(`operator secret(s) not set: ${s.operatorMissing.join(', ')}`);
  if (s.failed.length > 0) parts.push(`failed: ${s.failed.map((f) => f.name).join(', ')}`);
  return parts.join('; ');
}

/** One sentence, for the terminal and the text report. */
export function describeVaultRetention(r: KeyVaultRetention): string {
  if (r.action === 'purged') return `Key Vault ${r.vault}: soft-deleted vault purged (purge protection off); the name is free for a redeploy.`;
  return `Key Vault ${r.vault}: stays soft-deleted until ${r.scheduledPurgeDate} (purge protection on); recover it (${r.recover}, i.e. createMode recover) before deploying this deployment again.`;
}

function vaultRetentionMarkdown(r: KeyVaultRetention): string {
  if (r.action === 'purged') return `**Key Vault:** \`${r.vault}\` purged (purge protection off); the name is free for a redeploy`;
  return `**Key Vault:** \`${r.vault}\` retained (soft-deleted, purge protection on) until ${r.scheduledPurgeDate}; before a redeploy: \`${r.recover}\``;
}

export function renderReportText(report: RunReport): string {
  const lines = [
    `Run ${report.runId}: ${report.command}`,
    `  target:   ${report.target} (subscription ${report.subscriptionId})`,
    `  by:       ${report.who} on ${report.host}, ${report.startedAt} → ${report.finishedAt} (${seconds(totalDurationMs(report))})`,
    `  result:   ${resultLine(report)} — exit code ${report.exitCode}`,
  ];
  if (report.plan) {
    lines.push(`  plan:     ${report.plan.resources} resources; policy: ${report.plan.policy.denied} denied, ${report.plan.policy.audited} audited; cost: ${report.plan.cost.message}`);
  }
  if (report.artifact) lines.push(`  template: ${templateLine(report.artifact)}`);
  if (report.whatIf) lines.push(`  what-if:  ${report.whatIf.summaryLine}`);
  if (report.result?.validation) {
    const v = report.result.validation;
    lines.push(`  validate: ${v.checked - v.failed.length}/${v.checked} managed resources Succeeded`);
    for (const f of v.failed) lines.push(`            ${f.state}: ${f.id}`);
  }
  if (report.result?.keyVault) lines.push(`  vault:    ${describeVaultRetention(report.result.keyVault)}`);
  if (report.secrets) lines.push(`  secrets:  ${secretsLine(report.secrets)}`);
  if (report.databases) lines.push(`  databases: ${databasesLine(report.databases)}`);
  if (report.noise) lines.push(`  noise:    ${noiseLine(report.noise)}`, ...noiseTextLines(report.noise));
  lines.push('  phases:');
  const phases = report.phases.map((p) => [p.name, seconds(p.durationMs), p.outcome]);
  lines.push(...alignColumns(phases, { indent: '    ', gap: [' ', '  '], minWidths: [14, 8], align: ['left', 'right'] }));
  if (report.error) {
    lines.push('  error:', ...report.error.message.split('\n').map((l) => `    ${l}`));
    if (report.error.hint) lines.push(`    hint: ${report.error.hint}`);
  }
  return lines.join('\n');
}

export function renderReportJson(report: RunReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

export function renderReportMarkdown(report: RunReport): string {
  const icon = report.outcome === 'failed' ? '❌' : report.outcome === 'cancelled' || report.outcome === 'interrupted' ? '⏹️' : '✅';
  const lines = [
    `### ${icon} ${resultLine(report)}`,
    '',
    `Run \`${report.runId}\` · \`${report.command}\` · ${report.target} · by ${report.who} · ${seconds(totalDurationMs(report))} · exit code ${report.exitCode}`,
    '',
  ];
  if (report.plan) lines.push(`**Plan:** ${report.plan.resources} resources · policy ${report.plan.policy.denied} denied / ${report.plan.policy.audited} audited · ${report.plan.cost.message}`, '');
  if (report.artifact) lines.push(`**Template:** ${templateLine(report.artifact)}`, '');
  if (report.whatIf) lines.push(`**What-if:** ${report.whatIf.summaryLine}`, '');
  if (report.whatIf && report.whatIf.changes.length > 0) {
    lines.push('| Change | Resource |', '|---|---|', ...report.whatIf.changes.map((c) => `| ${c.kind} | \`${c.resourceId}\` |`), '');
  }
  if (report.result?.validation) {
    const v = report.result.validation;
    lines.push(`**Validation:** ${v.checked - v.failed.length}/${v.checked} managed resources Succeeded`, '');
  }
  if (report.result?.keyVault) lines.push(vaultRetentionMarkdown(report.result.keyVault), '');
  if (report.result?.checks) {
    const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
    lines.push('| Check | Result | Reason |', '|---|---|---|', ...report.result.checks.map((c) => `| ${cell(c.name)} | ${c.status} | ${cell(c.reason)} |`), '');
  }
  if (report.secrets) lines.push(`**Secrets (Key Vault):** ${secretsLine(report.secrets)}`, '');
  if (report.databases) lines.push(`**Databases:** ${databasesLine(report.databases)}`, '');
  if (report.noise) lines.push(...noiseMarkdownLines(report.noise));
  lines.push('| Phase | Duration | Outcome |', '|---|---:|---|', ...report.phases.map((p) => `| ${p.name} | ${seconds(p.durationMs)} | ${p.outcome} |`), '');
  if (report.error) {
    lines.push('**Error**', '', '```text', report.error.message, ...(report.error.hint ? [`hint: ${report.error.hint}`] : []), '```', '');
  }
  return lines.join('\n');
}
