// Template expansion with the real engine: the submitted ARM template and parameters are written
// to a temp dir (template.json + a .bicepparam that uses it) and expanded by the Bicep snapshot
// (modules and nested deployments included). The emulator adds only what ARM knows (fill.ts).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openBicep, type Bicep, type SnapshotMetadata } from '../../orchestrator/src/bicep/index.ts';
import { bicepParamFile } from './bicep-literal.ts';
import type { Declared } from './fill.ts';
import { declaredPart } from './fill.ts';
import { asObject } from './http.ts';

export interface ExpandInput {
  template: Record<string, unknown>;
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
  dispose(): Promise<void>;
}

/** The template does not compile or expand (ARM: 400 InvalidTemplate). */
export class TemplateError extends Error {}

/** The snapshot operation of the Bicep facade (or any adapter with the same signature). */
export interface SnapshotSource {
  snapshot(paramsFile: string, metadata: SnapshotMetadata): Promise<{ predictedResources: Record<string, unknown>[]; outputs: Record<string, unknown>; diagnostics: unknown[] }>;
  dispose(): Promise<void>;
}

export function bicepExpander(open: () => Promise<SnapshotSource> = () => openBicep({ onWarning: () => {} }) as Promise<Bicep>): Expander {
  let source: Promise<SnapshotSource> | undefined;
  return {
    async expand(input) {
      source ??= open();
      const bicep = await source;
      const dir = await mkdtemp(path.join(tmpdir(), 'arm-emulator-'));
      try {
        let paramsText: string;
        try {
          paramsText = bicepParamFile('template.json', input.parameters);
        } catch (error) {
          throw new TemplateError((error as Error).message);
        }
        await writeFile(path.join(dir, 'template.json'), JSON.stringify(input.template));
        const paramsFile = path.join(dir, 'main.bicepparam');
        await writeFile(paramsFile, paramsText);
        let snapshot;
        try {
          snapshot = await bicep.snapshot(paramsFile, input.metadata);
        } catch (error) {
          throw new TemplateError((error as Error).message.replaceAll(dir + path.sep, ''));
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
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    async dispose() {
      if (source !== undefined) await (await source.catch(() => undefined))?.dispose();
      source = undefined;
    },
  };
}
