// From the two ARM what-if response shapes to the one model (noise dropped, secrets masked).
import { createMasker, isSecretName, type Masker } from './mask.ts';
import { isHeaderPath, matchNoiseRule, noNoiseRules, type NoiseRule, type NoiseRules } from './noise.ts';
import { summarise, type ChangeKind, type PropertyChange, type PropertyChangeKind, type ResourceChange, type Suppressed, type WhatIfModel } from './model.ts';

export interface NormaliseOptions {
  /** Literal values to mask wherever they appear (e.g. secure parameter values). */
  secureValues?: Iterable<string>;
  /** The noise rules (deployments/what-if-rules.yaml through config/what-if-rules.ts); none by default. */
  noise?: NoiseRules;
}

/** Counts what was dropped while one result is normalised: per rule, and ARM's noEffect changes. */
class SuppressedTally {
  noEffect = 0;
  readonly byRule = new Map<NoiseRule, number>();
  readonly rules: NoiseRules;

  constructor(rules: NoiseRules) {
    this.rules = rules;
  }

  /** The rule that drops this property of a resource of this type (counted), if any. */
  drop(type: string, path: string): boolean {
    const rule = matchNoiseRule(this.rules, type, path);
    if (rule !== undefined) this.byRule.set(rule, (this.byRule.get(rule) ?? 0) + 1);
    return rule !== undefined;
  }

  section(): Suppressed {
    const rules = this.rules.compiled.flatMap(({ rule }) => {
      const count = this.byRule.get(rule) ?? 0;
      return count === 0 ? [] : [{ type: rule.type, path: rule.path, reason: rule.reason, expires: rule.expires, count }];
    });
    return { total: this.noEffect + rules.reduce((sum, r) => sum + r.count, 0), noEffect: this.noEffect, rules };
  }
}

/** What the delta walk needs besides the data: masking, and the noise rules for this resource's type. */
interface Walk {
  masker: Masker;
  type: string;
  tally: SuppressedTally;
}

type Json = Record<string, unknown>;

function asObject(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}
function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

const resourceChangeKinds: Record<string, ChangeKind> = {
  create: 'create',
  modify: 'modify',
  delete: 'delete',
  detach: 'detach',
  deploy: 'deploy',
  nochange: 'noChange',
  ignore: 'ignore',
  unsupported: 'unsupported',
};
const propertyChangeKinds: Record<string, PropertyChangeKind> = {
  create: 'create',
  delete: 'delete',
  modify: 'modify',
  array: 'array',
  noeffect: 'noEffect',
};

function changeKind(raw: unknown): ChangeKind {
  const kind = resourceChangeKinds[String(raw).toLowerCase()];
  if (kind === undefined) throw new Error(`unknown what-if change type "${String(raw)}"`);
  return kind;
}

/** Splits a resource id into its scope and the part below it (az prints the latter per scope). */
export function splitResourceId(resourceId: string): { scope: string; displayName: string; type: string } {
  const at = resourceId.toLowerCase().lastIndexOf('/providers/');
  if (at === -1) {
    const rg = /^(\/subscriptions\/[^/]+)\/resourceGroups\/([^/]+)$/i.exec(resourceId);
    if (rg) return { scope: rg[1]!, displayName: `Microsoft.Resources/resourceGroups/${rg[2]}`, type: 'Microsoft.Resources/resourceGroups' };
    return { scope: resourceId, displayName: resourceId, type: 'unknown' };
  }
  const scope = resourceId.slice(0, at) || '/';
  const displayName = resourceId.slice(at + '/providers/'.length);
  const segments = displayName.split('/');
  // namespace / type / name [/ childType / childName ...]
  const typeParts = [segments[0], ...segments.slice(1).filter((_, i) => i % 2 === 0)];
  return { scope, displayName, type: typeParts.join('/') };
}

function joinPath(parent: string, child: string): string {
  if (parent === '') return child;
  return /^\d+$/.test(child) ? `${parent}[${child}]` : `${parent}.${child}`;
}

function lastName(path: string): string {
  const parts = path.replace(/\[\d+\]/g, '').split('.');
  return parts[parts.length - 1] ?? path;
}

interface DeltaResult {
  changes: PropertyChange[];
  suppressed: number;
}

function normaliseDelta(raw: unknown[], parentPath: string, walk: Walk, secretParent: boolean): DeltaResult {
  const { masker } = walk;
  const changes: PropertyChange[] = [];
  let suppressed = 0;
  for (const item of raw) {
    const entry = asObject(item);
    if (entry === undefined) continue;
    const path = joinPath(parentPath, String(entry.path ?? ''));
    const rawKind = entry.propertyChangeType ?? entry.changeType;
    const kind = propertyChangeKinds[String(rawKind).toLowerCase()];
    if (kind === undefined) throw new Error(`unknown what-if property change type "${String(rawKind)}" at ${path}`);
    if (kind === 'noEffect') walk.tally.noEffect++;
    if (kind === 'noEffect' || walk.tally.drop(walk.type, path)) {
      suppressed++;
      continue;
    }
    if (isHeaderPath(path)) continue;
    const secret = secretParent || isSecretName(lastName(path));
    const change: PropertyChange = { path, kind };
    if ('before' in entry) change.before = masker.value(lastName(path), entry.before, secret);
    if ('after' in entry) change.after = masker.value(lastName(path), entry.after, secret);
    const rawChildren = asArray(entry.children);
    if (rawChildren.length > 0) {
      const children = normaliseDelta(rawChildren, path, walk, secret);
      suppressed += children.suppressed;
      if (children.changes.length === 0 && (kind === 'array' || kind === 'modify')) {
        suppressed++;
        continue;
      }
      change.children = children.changes;
    }
    changes.push(change);
  }
  return { changes, suppressed };
}

/** Drops noise from a full resource body (create/delete listings), masking secrets. */
function cleanProperties(body: Json | undefined, walk: Walk): { properties: Json | undefined; suppressed: number } {
  if (body === undefined) return { properties: undefined, suppressed: 0 };
  let suppressed = 0;
  const clean = (value: unknown, path: string): unknown => {
    if (Array.isArray(value)) {
      return value.map((item, i) => clean(item, `${path}[${i}]`));
    }
    const object = asObject(value);
    if (object === undefined) return value;
    const out: Json = {};
    for (const [key, child] of Object.entries(object)) {
      const childPath = path === '' ? key : `${path}.${key}`;
      if (path === '' && isHeaderPath(key)) continue;
      if (walk.tally.drop(walk.type, childPath)) {
        suppressed++;
        continue;
      }
      out[key] = clean(child, childPath);
    }
    return out;
  };
  const masked = walk.masker.value('', body) as Json;
  return { properties: clean(masked, '') as Json, suppressed };
}

function resourceChange(options: {
  resourceId: string;
  kind: ChangeKind;
  potential: boolean;
  before: Json | undefined;
  after: Json | undefined;
  delta: unknown[];
  unsupportedReason: string | undefined;
  masker: Masker;
  tally: SuppressedTally;
}): ResourceChange {
  const { scope, displayName, type: idType } = splitResourceId(options.resourceId);
  const type = asString(options.after?.type) ?? asString(options.before?.type) ?? idType;
  const apiVersion = asString(options.after?.apiVersion) ?? asString(options.before?.apiVersion);
  let kind = options.kind;
  const walk: Walk = { masker: options.masker, type, tally: options.tally };
  const delta = normaliseDelta(options.delta, '', walk, false);
  // A modify whose every property change is noise changes nothing we care about.
  if (kind === 'modify' && options.delta.length > 0 && delta.changes.length === 0) kind = 'noChange';
  const listed = kind === 'create' ? options.after : kind === 'delete' || kind === 'detach' ? options.before : undefined;
  const cleaned = cleanProperties(listed, walk);
  const change: ResourceChange = {
    resourceId: options.resourceId,
    scope,
    type,
    displayName,
    apiVersion,
    kind,
    potential: options.potential,
    delta: kind === 'modify' ? delta.changes : [],
    properties: cleaned.properties,
    suppressed: delta.suppressed + cleaned.suppressed,
  };
  if (options.unsupportedReason !== undefined) change.unsupportedReason = options.masker.text(options.unsupportedReason);
  return change;
}

const kindOrder: Record<ChangeKind, number> = { delete: 0, detach: 1, create: 2, modify: 3, deploy: 4, unsupported: 5, ignore: 6, noChange: 7 };

export function sortChanges(changes: ResourceChange[]): ResourceChange[] {
  return changes.sort(
    (a, b) => a.scope.localeCompare(b.scope) || kindOrder[a.kind] - kindOrder[b.kind] || a.displayName.localeCompare(b.displayName),
  );
}

function diagnostics(raw: unknown, masker: Masker): WhatIfModel['diagnostics'] {
  return asArray(raw).flatMap((item) => {
    const d = asObject(item);
    if (d === undefined) return [];
    const entry: WhatIfModel['diagnostics'][number] = {
      level: String(d.level ?? 'info'),
      code: String(d.code ?? ''),
      message: masker.text(String(d.message ?? '')),
    };
    if (typeof d.target === 'string') entry.target = d.target;
    return [entry];
  });
}

/**
 * A deployment what-if result (`POST .../deployments/{name}/whatIf`, api 2025-04-01): the REST body
 * `{ status, properties: { changes, potentialChanges?, diagnostics? } }` or the SDK's result with
 * the same fields at top level.
 */
export function normaliseDeploymentWhatIf(result: unknown, options: NormaliseOptions = {}): WhatIfModel {
  const masker = createMasker(options.secureValues);
  const tally = new SuppressedTally(options.noise ?? noNoiseRules);
  const root = asObject(result) ?? {};
  const body = asObject(root.properties) ?? root;
  const fromList = (list: unknown, potential: boolean): ResourceChange[] =>
    asArray(list).map((item) => {
      const c = asObject(item) ?? {};
      return resourceChange({
        resourceId: String(c.resourceId ?? ''),
        kind: changeKind(c.changeType),
        potential,
        before: asObject(c.before),
        after: asObject(c.after),
        delta: asArray(c.delta),
        unsupportedReason: asString(c.unsupportedReason),
        masker,
        tally,
      });
    });
  const changes = sortChanges([...fromList(body.changes, false), ...fromList(body.potentialChanges, true)]);
  return { source: 'deployment', summary: summarise(changes), changes, denySettingsDelta: [], diagnostics: diagnostics(body.diagnostics, masker), suppressed: tally.section() };
}

/**
 * A deployment stack what-if result (`Microsoft.Resources/deploymentStacksWhatIfResults`, api
 * 2025-07-01): `properties.changes.resourceChanges[]` with camelCase change types and
 * `resourceConfigurationChanges.{before,after,delta}`, plus `denySettingsChange`.
 */
export function normaliseStackWhatIf(result: unknown, options: NormaliseOptions = {}): WhatIfModel {
  const masker = createMasker(options.secureValues);
  const tally = new SuppressedTally(options.noise ?? noNoiseRules);
  const root = asObject(result) ?? {};
  const properties = asObject(root.properties) ?? root;
  const stackChanges = asObject(properties.changes) ?? {};
  const changes = sortChanges(
    asArray(stackChanges.resourceChanges).map((item) => {
      const c = asObject(item) ?? {};
      const config = asObject(c.resourceConfigurationChanges) ?? {};
      const identifiers = asObject(c.identifiers);
      const resourceId = asString(c.id) ?? asString(c.resourceId) ?? (identifiers ? JSON.stringify(identifiers) : '');
      return resourceChange({
        resourceId,
        kind: changeKind(c.changeType),
        potential: String(c.changeCertainty ?? 'definite').toLowerCase() === 'potential',
        before: asObject(config.before),
        after: asObject(config.after),
        delta: asArray(config.delta),
        unsupportedReason: asString(c.unsupportedReason),
        masker,
        tally,
      });
    }),
  );
  const deny = asObject(stackChanges.denySettingsChange);
  const denyDelta = normaliseDelta(asArray(deny?.delta), 'denySettings', { masker, type: 'Microsoft.Resources/deploymentStacks', tally }, false).changes;
  return {
    source: 'stack',
    summary: summarise(changes),
    changes,
    denySettingsDelta: denyDelta,
    diagnostics: diagnostics(properties.diagnostics, masker),
    suppressed: tally.section(),
  };
}
