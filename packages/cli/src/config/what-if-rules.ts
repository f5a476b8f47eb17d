// deployments/what-if-rules.yaml: the what-if noise rules as data. Read through the one YAML reader,
// checked against deployments/schemas/what-if-rules.schema.json, then here: each path pattern's
// syntax, a real calendar date, no rule twice. Every problem names file:line:column. An expired rule
// no longer drops anything (the change shows again) and fails `plan --check` with its reason.
import path from 'node:path';
import { ConfigError } from '@complianceflow/core/errors.ts';
import { compileNoiseRules, isExpired, parsePathPattern, utcDate, type NoiseRule, type NoiseRules } from '../whatif/noise.ts';
import { reasonPlaceholder } from '../whatif/noise-candidates.ts';
import { registryPaths, repoRoot } from './paths.ts';
import { show } from './problems.ts';
import { checkSchema, registrySchemas } from './schema-files.ts';
import { parseYaml, readConfigText, yamlLocator } from './yaml-file.ts';

export interface LoadedRule extends NoiseRule {
  /** `deployments/what-if-rules.yaml:12:5`: where the rule is written (found when first read: it parses the text for positions). */
  readonly where: string;
}

export interface LoadedNoiseRules {
  /** Every rule of the file, in file order. */
  rules: LoadedRule[];
  /** The rules in force today (expired ones left out), compiled for the normaliser. */
  active: NoiseRules;
  /** Rules past their expiry date. */
  expired: LoadedRule[];
}

type Locate = (at: readonly (string | number)[]) => string;

/** `rules[3].expires` → ['rules', 3, 'expires'] (the field paths schema problems name). */
function segments(fieldPath: string): (string | number)[] {
  return [...fieldPath.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] === undefined ? m[1]! : Number(m[2])));
}

function isCalendarDate(day: string): boolean {
  const time = Date.parse(`${day}T00:00:00Z`);
  return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === day;
}

/** Every problem of the file's data (pure): schema first, then patterns, dates and duplicates. */
export function noiseRuleProblems(data: unknown, locate: Locate): string[] {
  const schema = checkSchema(registrySchemas.whatIfRules, data);
  if (schema.length > 0) return schema.map((p) => `${locate(segments(p.path))}: ${p.path}: ${p.message}`);
  const problems: string[] = [];
  const seen = new Map<string, number>();
  (data as { rules: NoiseRule[] }).rules.forEach((rule, i) => {
    const pattern = parsePathPattern(rule.path);
    if (!pattern.ok) problems.push(`${locate(['rules', i, 'path'])}: rules[${i}].path: ${show(rule.path)} ${pattern.problem}`);
    if (rule.reason === reasonPlaceholder) problems.push(`${locate(['rules', i, 'reason'])}: rules[${i}].reason: still the placeholder of a pasted noise candidate; allowed: why the change is not real, with a link to the ARM or provider doc`);
    if (!isCalendarDate(rule.expires)) problems.push(`${locate(['rules', i, 'expires'])}: rules[${i}].expires: ${show(rule.expires)} is not a calendar date; allowed: a real day as YYYY-MM-DD`);
    const key = `${rule.type.toLowerCase()}|${rule.path.toLowerCase()}`;
    const first = seen.get(key);
    if (first !== undefined) problems.push(`${locate(['rules', i])}: rules[${i}]: the rule for ${rule.type} ${rule.path} is already rules[${first}]; allowed: one rule per type and path`);
    else seen.set(key, i);
  });
  return problems;
}

/** The rules of a file's text, or ConfigError (exit 2) with every problem; `today` decides what has expired. */
export function noiseRulesFromText(text: string, file: string, today: string): LoadedNoiseRules {
  const parsed = parseYaml(text, file);
  if (!parsed.ok) throw new ConfigError([parsed.problem]);
  const locate: Locate = yamlLocator(text, file);
  const problems = noiseRuleProblems(parsed.data, locate);
  if (problems.length > 0) throw new ConfigError(problems);
  const rules: LoadedRule[] = (parsed.data as { rules: NoiseRule[] }).rules.map(({ type, path: pattern, reason, expires }, i) => ({
    type,
    path: pattern,
    reason,
    expires,
    get where() {
      return locate(['rules', i]);
    },
  }));
  const expired = rules.filter((rule) => isExpired(rule, today));
  return { rules, active: compileNoiseRules(rules.filter((rule) => !isExpired(rule, today))), expired };
}

/** Reads deployments/what-if-rules.yaml under `root` (UTC today by default). */
export function loadNoiseRules(root: string = repoRoot, today: string = utcDate()): LoadedNoiseRules {
  const file = registryPaths.whatIfRules;
  const read = readConfigText(path.join(root, file), file);
  if (!read.ok) throw new ConfigError([read.problem]);
  return noiseRulesFromText(read.text, file, today);
}

/** One line per expired rule: where, what, since when, and the reason it was written for. */
export function describeExpired(rule: LoadedRule): string {
  return `${rule.where}: the what-if noise rule for ${rule.type} ${rule.path} expired after ${rule.expires}; its reason: ${rule.reason}`;
}
