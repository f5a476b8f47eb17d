// What-if as `az deployment sub what-if` prints it: legend, changes grouped by scope, property
// deltas indented (before => after), a one-line summary. Colour only when asked.
import { alignedLines, flatten, formatScalar } from './format-values.ts';
import { changeKinds, summaryLine, type ChangeKind, type PropertyChange, type ResourceChange, type WhatIfModel } from './model.ts';
import { suppressedTextLines } from './render-suppressed.ts';
import { changeLabels, changeSymbols, paint, paintProperty, propertySymbols } from './symbols.ts';

export interface TextOptions {
  color?: boolean;
  /** List unchanged/ignored resources too (default true, as az does). */
  showUnchanged?: boolean;
}

/** The property lines of one change (used by the text and the markdown renderer). */
export function propertyLines(change: ResourceChange, indent: string, color = false): string[] {
  if (change.kind === 'modify') return deltaLines(change.delta, indent, color);
  if (change.properties !== undefined && (change.kind === 'create' || change.kind === 'delete' || change.kind === 'detach')) {
    const pairs = flatten(change.properties);
    return pairs.length === 0 ? [] : ['', ...alignedLines(pairs, `${indent}  `), ''];
  }
  if (change.kind === 'unsupported' && change.unsupportedReason !== undefined) return [`${indent}${change.unsupportedReason}`];
  return [];
}

function deltaLines(delta: readonly PropertyChange[], indent: string, color: boolean, relativeTo = ''): string[] {
  const label = (change: PropertyChange): string =>
    relativeTo !== '' && change.path.startsWith(relativeTo) ? change.path.slice(relativeTo.length).replace(/^\[(\d+)\]/, '$1').replace(/^\./, '') : change.path;
  const width = Math.max(0, ...delta.filter((c) => c.kind !== 'array').map((c) => label(c).length + 1));
  const lines: string[] = [];
  for (const change of delta) {
    const symbol = paintProperty(propertySymbols[change.kind], change.kind, color);
    const name = label(change);
    if (change.kind === 'array' || (change.children !== undefined && change.children.length > 0)) {
      lines.push(`${indent}${symbol} ${name}:${change.kind === 'array' ? ' [' : ''}`);
      lines.push(...deltaLines(change.children ?? [], `${indent}  `, color, change.path));
      if (change.kind === 'array') lines.push(`${indent}  ]`);
      continue;
    }
    const head = `${indent}${symbol} ${`${name}:`.padEnd(width)}`;
    const value = change.kind === 'delete' ? change.before : change.after;
    const isObject = typeof value === 'object' && value !== null && change.kind !== 'modify';
    if (isObject) {
      lines.push(head.trimEnd(), ...alignedLines(flatten(value), `${indent}    `));
    } else if (change.kind === 'modify') {
      lines.push(`${head} ${formatScalar(change.before)} => ${formatScalar(change.after)}`);
    } else {
      lines.push(`${head} ${formatScalar(value)}`);
    }
  }
  return lines;
}

function headerLine(change: ResourceChange, color: boolean): string {
  const api = change.apiVersion === undefined ? '' : ` [${change.apiVersion}]`;
  const potential = change.potential ? ' (potential)' : '';
  return `  ${paint(changeSymbols[change.kind], change.kind, color)} ${change.displayName}${api}${potential}`;
}

export function renderText(model: WhatIfModel, options: TextOptions = {}): string {
  const color = options.color ?? false;
  const showUnchanged = options.showUnchanged ?? true;
  const hidden = (kind: ChangeKind): boolean => !showUnchanged && (kind === 'noChange' || kind === 'ignore');
  const shown = model.changes.filter((c) => !hidden(c.kind));
  const present = changeKinds.filter((kind) => shown.some((c) => c.kind === kind));

  const lines: string[] = [];
  if (present.length > 0) {
    lines.push('Resource and property changes are indicated with these symbols:');
    for (const kind of present) lines.push(`  ${paint(changeSymbols[kind], kind, color)} ${changeLabels[kind]}`);
    lines.push('');
    const scopes = [...new Set(shown.map((c) => c.scope))];
    lines.push(`The ${model.source === 'stack' ? 'deployment stack' : 'deployment'} will update the following scope${scopes.length === 1 ? '' : 's'}:`);
    for (const scope of scopes) {
      lines.push('', `Scope: ${scope}`, '');
      for (const change of shown.filter((c) => c.scope === scope)) {
        const properties = propertyLines(change, '    ', color);
        lines.push(headerLine(change, color), ...properties);
        if (properties.length > 0) lines.push('');
      }
    }
    lines.push('');
  }
  if (model.denySettingsDelta.length > 0) {
    lines.push('Deny settings of the stack:', ...deltaLines(model.denySettingsDelta, '  ', color), '');
  }
  for (const d of model.diagnostics) lines.push(`${d.level}: ${d.code}: ${d.message}${d.target ? ` (${d.target})` : ''}`);
  lines.push(...suppressedTextLines(model));
  const hiddenCount = model.changes.length - shown.length;
  lines.push(`Resource changes: ${summaryLine(model.summary)}.${hiddenCount > 0 ? ` (${hiddenCount} unchanged not listed)` : ''}`);
  // One blank line between blocks, never two.
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n')}\n`;
}
