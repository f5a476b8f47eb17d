// The nested deployments (Bicep modules) of a submitted template, as ARM runs them: each top-level
// Microsoft.Resources/deployments resource is a deployment of its own, at the resource group its
// `resourceGroup` names, started once the modules in its dependsOn have finished. The expansion
// (expansion.ts) flattens modules into one resource list, so a resource is placed in the module
// whose nested template declares its type (an extension resource: in its scope resource's module;
// a type several modules declare: the first of them, in template order).
import { parseTemplateExpression, type TemplateExpression } from '@complianceflow/core/arm/expression-syntax.ts';
import { isJsonObject } from '@complianceflow/core/json.ts';
import type { Declared } from './fill.ts';
import { parseResourceId } from './ids.ts';

export const deploymentType = 'Microsoft.Resources/deployments';

export interface Module {
  /** The symbolic name (languageVersion 2.0) or the position in the resources array. */
  symbol: string;
  /** The nested deployment's name, evaluated where it is a literal, parameters(), format() or concat(); else the symbol. */
  name: string;
  resourceGroup: string | undefined;
  /** Lower-case resource types its nested template creates (not `existing` ones), nested modules included. */
  types: Set<string>;
  /** Symbols of the modules it depends on. */
  dependsOn: string[];
}

/** A template's resources as [symbol, resource]: the array form or the symbolic-name object form. */
function entries(resources: unknown): [string, Record<string, unknown>][] {
  if (Array.isArray(resources)) return resources.flatMap((r, i) => (isJsonObject(r) ? [[String(i), r] as [string, Record<string, unknown>]] : []));
  if (isJsonObject(resources)) return Object.entries(resources).flatMap(([k, r]) => (isJsonObject(r) ? [[k, r] as [string, Record<string, unknown>]] : []));
  return [];
}

function declaredTypes(template: unknown, into: Set<string>, parentType = ''): Set<string> {
  if (!isJsonObject(template)) return into;
  for (const [, r] of entries(template.resources)) {
    const type = parentType === '' || String(r.type).includes('/') ? String(r.type) : `${parentType}/${String(r.type)}`;
    if (type.toLowerCase() === deploymentType.toLowerCase()) declaredTypes(isJsonObject(r.properties) ? r.properties.template : undefined, into);
    else if (r.existing !== true) into.add(type.toLowerCase());
    if (r.resources !== undefined) declaredTypes({ resources: r.resources }, into, type);
  }
  return into;
}

type Parameters = Record<string, unknown>;

function evaluate(e: TemplateExpression, parameters: Parameters): unknown {
  switch (e.kind) {
    case 'literal':
      return e.value;
    case 'property': {
      const target = evaluate(e.target, parameters);
      return isJsonObject(target) ? target[e.name] : undefined;
    }
    case 'index':
      return undefined;
    case 'call': {
      const args = e.args.map((a) => evaluate(a, parameters));
      const name = e.name.toLowerCase();
      if (name === 'parameters') return parameters[String(args[0])];
      if (name === 'concat' && args.every((a) => typeof a === 'string')) return args.join('');
      if (name === 'format' && args.every((a) => a !== undefined)) return String(args[0]).replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i) + 1]));
      return undefined;
    }
  }
}

/** A template string's value: a literal, or an expression of the small subset above; undefined otherwise. */
export function stringValue(value: unknown, parameters: Parameters): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (!value.startsWith('[') || value.startsWith('[[')) return value.startsWith('[[') ? value.slice(1) : value;
  try {
    const result = evaluate(parseTemplateExpression(value.slice(1, -1)), parameters);
    return typeof result === 'string' ? result : undefined;
  } catch {
    return undefined;
  }
}

/** Parameter values by name: the given `{ name: { value } }`, else the declared default. */
export function parameterValues(template: Record<string, unknown>, given: unknown): Parameters {
  const values: Parameters = {};
  for (const [name, p] of Object.entries(isJsonObject(template.parameters) ? template.parameters : {})) {
    if (isJsonObject(p) && p.defaultValue !== undefined) values[name] = p.defaultValue;
  }
  for (const [name, p] of Object.entries(isJsonObject(given) ? given : {})) if (isJsonObject(p) && 'value' in p) values[name] = p.value;
  return values;
}

export function modulesOf(template: Record<string, unknown>, given: unknown): Module[] {
  const parameters = parameterValues(template, given);
  return entries(template.resources)
    .filter(([, r]) => String(r.type).toLowerCase() === deploymentType.toLowerCase())
    .map(([symbol, r]) => ({
      symbol,
      name: stringValue(r.name, parameters) ?? symbol,
      resourceGroup: stringValue(r.resourceGroup, parameters),
      types: declaredTypes(isJsonObject(r.properties) ? r.properties.template : undefined, new Set()),
      dependsOn: Array.isArray(r.dependsOn) ? r.dependsOn.map(String) : [],
    }));
}

/** Lower-case types the template creates itself, outside its modules. */
export function ownTypes(template: Record<string, unknown>): Set<string> {
  const own = entries(template.resources).filter(([, r]) => String(r.type).toLowerCase() !== deploymentType.toLowerCase());
  return declaredTypes({ resources: Object.fromEntries(own) }, new Set());
}

/** The module each resource is deployed by (index into `modules`), or -1 for the template itself. */
export function placeResources(modules: readonly Module[], own: ReadonlySet<string>, resources: readonly Declared[]): number[] {
  const byId = new Map<string, number>();
  const placed: number[] = [];
  const ordered = [...resources.keys()].sort((a, b) => resources[a]!.id.length - resources[b]!.id.length);
  for (const i of ordered) {
    const r = resources[i]!;
    const scope = parseResourceId(r.id)?.scope ?? '';
    const scopeModule = /\/providers\//i.test(scope) ? byId.get(scope.toLowerCase()) : undefined;
    const type = r.type.toLowerCase();
    const index = scopeModule ?? (own.has(type) ? -1 : modules.findIndex((m) => m.types.has(type)));
    byId.set(r.id.toLowerCase(), index);
    placed[i] = index;
  }
  return placed;
}
