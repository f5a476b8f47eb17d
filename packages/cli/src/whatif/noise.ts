// The what-if noise matcher. The rules themselves are data (deployments/what-if-rules.yaml, loaded
// and checked by config/what-if-rules.ts): each names a resource type, a property path pattern, a
// reason and an expiry date. A property change a rule matches is dropped from the diff and counted
// under that rule in the model's `suppressed` section.
//
// Path patterns (docs/infrastructure/CI_CD.md#what-if-noise-rules):
//   segments separated by `.`, each a property name, `*` (any one property name) or `**` (any number
//   of segments, none included), followed by any number of `[n]` (an array index) or `[*]` (any
//   index): `**[*].id` is the `id` of any array element at any depth. Names compare case-insensitively (ARM property names are case-insensitive).
//   A pattern matches a path or any path below it: `**.systemData` drops `systemData.createdAt` too.

/** Where the rules are written (repository-relative). */
export const noiseRulesFile = 'deployments/what-if-rules.yaml';

export interface NoiseRule {
  /** `Microsoft.Network/virtualNetworks`, or `*` for any type. */
  type: string;
  /** A path pattern, e.g. `**.etag`, `properties.subnets[*].id`. */
  path: string;
  reason: string;
  /** The last day the rule applies (YYYY-MM-DD, UTC). */
  expires: string;
}

/** A token of a path or pattern: a property name, `*`, `**`, or an index (`[3]`, `[*]`). */
type Token = { name: string } | { index: string };

export type PatternParse = { ok: true; tokens: Token[] } | { ok: false; problem: string };

/** Splits `properties.subnets[0].id` into name and index tokens; undefined when it is not a path. */
function tokenise(text: string): Token[] | undefined {
  const tokens: Token[] = [];
  for (const segment of text.split('.')) {
    const match = /^([^[\]]*)((?:\[[^[\]]*\])*)$/.exec(segment);
    if (match === null) return undefined;
    const [, name, indices] = match;
    if (name === '') return undefined;
    tokens.push({ name: name! });
    for (const index of indices!.match(/\[[^[\]]*\]/g) ?? []) tokens.push({ index: index.slice(1, -1) });
  }
  return tokens;
}

/** Parses a path pattern, or says what is wrong with it. */
export function parsePathPattern(pattern: string): PatternParse {
  const tokens = tokenise(pattern);
  const allowed = 'segments separated by ".", each a property name, * or **, optionally followed by [n] or [*], e.g. **.etag or properties.subnets[*].id';
  if (tokens === undefined) return { ok: false, problem: `is not a path pattern; allowed: ${allowed}` };
  for (const token of tokens) {
    if ('index' in token && !/^(\d+|\*)$/.test(token.index)) return { ok: false, problem: `has the index [${token.index}]; allowed: [n] (a number) or [*]` };
    if ('name' in token && token.name !== '*' && token.name !== '**' && token.name.includes('*')) {
      return { ok: false, problem: `has "${token.name}": * and ** stand for whole segments only; allowed: ${allowed}` };
    }
  }
  if (tokens.every((t) => 'name' in t && t.name === '**')) return { ok: false, problem: 'matches every property; name at least one property or index' };
  return { ok: true, tokens };
}

/** Whether the pattern tokens from `p` match the path tokens from `t` or a prefix of them. */
function matchesPrefix(pattern: readonly Token[], p: number, path: readonly Token[], t: number): boolean {
  if (p === pattern.length) return true;
  const want = pattern[p]!;
  if ('name' in want && want.name === '**') {
    for (let skip = t; skip <= path.length; skip++) if (matchesPrefix(pattern, p + 1, path, skip)) return true;
    return false;
  }
  const have = path[t];
  if (have === undefined) return false;
  if ('name' in want) {
    if (!('name' in have)) return false;
    if (want.name !== '*' && want.name.toLowerCase() !== have.name.toLowerCase()) return false;
  } else if (!('index' in have) || (want.index !== '*' && want.index !== have.index)) {
    return false;
  }
  return matchesPrefix(pattern, p + 1, path, t + 1);
}

interface CompiledRule {
  rule: NoiseRule;
  type: string;
  tokens: Token[];
}

/** The rules a what-if applies, compiled once. */
export interface NoiseRules {
  readonly compiled: readonly CompiledRule[];
}

export const noNoiseRules: NoiseRules = { compiled: [] };

/** Compiles rules already checked by their loader; a bad pattern here is a programming error. */
export function compileNoiseRules(rules: readonly NoiseRule[]): NoiseRules {
  return {
    compiled: rules.map((rule) => {
      const parsed = parsePathPattern(rule.path);
      if (!parsed.ok) throw new Error(`noise rule path ${JSON.stringify(rule.path)} ${parsed.problem}`);
      return { rule, type: rule.type.toLowerCase(), tokens: parsed.tokens };
    }),
  };
}

/** The first rule that drops this property change of a resource of this type, if any. */
export function matchNoiseRule(rules: NoiseRules, resourceType: string, path: string): NoiseRule | undefined {
  const tokens = tokenise(path);
  if (tokens === undefined) return undefined;
  const type = resourceType.toLowerCase();
  return rules.compiled.find((c) => (c.type === '*' || c.type === type) && matchesPrefix(c.tokens, 0, tokens, 0))?.rule;
}

/** Top-level resource keys shown in the header line (not property changes, not noise). */
const headerKeys: ReadonlySet<string> = new Set(['id', 'name', 'type', 'apiversion']);

export function isHeaderPath(path: string): boolean {
  return headerKeys.has(path.toLowerCase());
}

/** A rule is expired the day after its `expires` date (UTC). */
export function isExpired(rule: Pick<NoiseRule, 'expires'>, today: string): boolean {
  return rule.expires < today;
}

/** Today's date in UTC as YYYY-MM-DD. */
export function utcDate(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}
