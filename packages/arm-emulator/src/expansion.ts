// Template expansion with the real engine: the submitted ARM template and parameters go through
// expandTemplate (packages/core/src/bicep/expand.ts: template.json + a .bicepparam that uses it,
// then the Bicep snapshot, modules and nested deployments included). The emulator adds only what
// ARM knows (fill.ts).
import { createHash } from 'node:crypto';
import { openBicep, type Bicep, type SnapshotMetadata } from '@complianceflow/core/bicep/index.ts';
import { expandTemplate } from '@complianceflow/core/bicep/expand.ts';
import type { Declared } from './fill.ts';
import { declaredPart } from './fill.ts';
import { asObject } from './http.ts';

export interface ExpandInput {
  template: Record<string, unknown>;
  /** ARM's { name: { value } } shape. */
  parameters: Record<string, unknown>;
  metadata: SnapshotMetadata;
}

export interface Expansion {
  resources: Declared[];
  /** Output values (expressions the engine cannot evaluate offline stay as "[…]" strings). */
  outputs: Record<string, unknown>;
}

export interface Expander {
  expand(input: ExpandInput): Promise<Expansion>;
  /** Starts what expanding needs ahead of the first expand. */
  warm?(): void;
  dispose(): Promise<void>;
}

/** The template does not compile or expand (ARM: 400 InvalidTemplate). */
export class TemplateError extends Error {}

/** How many expansions bicepExpander keeps in memory, by their input (least recently used goes first). */
const rememberedExpansions = 16;

/**
 * One Bicep session (the jsonrpc facade by default), opened on first use and kept until dispose.
 * Expansion is a pure function of its input, so the last few are kept: a no-change deploy expands
 * the same template and parameters for its what-if, its PUT and the what-if after it.
 */
export function bicepExpander(open: () => Promise<Bicep> = () => openBicep({ onWarning: () => {} })): Expander {
  const remembered = new Map<string, Promise<string>>();
  const expander = bicepSession(open);
  return {
    warm: expander.warm,
    dispose: expander.dispose,
    async expand(input) {
      const key = createHash('sha256').update(JSON.stringify(input)).digest('hex');
      let expansion = remembered.get(key);
      if (expansion === undefined) {
        expansion = expander.expand(input).then((e) => JSON.stringify(e));
        expansion.catch(() => remembered.delete(key));
        if (remembered.size >= rememberedExpansions) remembered.delete(remembered.keys().next().value!);
      } else {
        remembered.delete(key);
      }
      remembered.set(key, expansion);
      // A fresh copy each time: callers fill in what ARM adds.
      return JSON.parse(await expansion) as Expansion;
    },
  };
}

function bicepSession(open: () => Promise<Bicep>): Required<Expander> {
  let session: Promise<Bicep> | undefined;
  return {
    warm() {
      session ??= open();
      // A failed start is reported by the expand that needs it.
      session.catch(() => {});
    },
    async expand(input) {
      session ??= open();
      const bicep = await session;
      for (const [name, entry] of Object.entries(input.parameters)) {
        if (asObject(entry) === undefined || !('value' in asObject(entry)!)) {
          throw new TemplateError(`parameter '${name}' must have a 'value' (Key Vault references are not supported by the emulator)`);
        }
      }
      let snapshot;
      try {
        snapshot = await expandTemplate(bicep, { template: input.template, parameters: input.parameters, armShape: true, metadata: input.metadata });
      } catch (error) {
        throw new TemplateError((error as Error).message.replace(/\S*cf-expand-[^/\s]*\//g, ''));
      }
      const errors = snapshot.diagnostics.filter((d) => asObject(d)?.level === 'Error');
      if (errors.length > 0) throw new TemplateError(errors.map((d) => String(asObject(d)?.message)).join('; '));
      const resources = snapshot.predictedResources.map((r) => ({
        id: String(r.id),
        type: String(r.type),
        name: String(r.name),
        apiVersion: String(r.apiVersion),
        declared: declaredPart(r),
      }));
      return { resources, outputs: snapshot.outputs };
    },
    async dispose() {
      if (session !== undefined) await (await session.catch(() => undefined))?.dispose();
      session = undefined;
    },
  };
}
