// The deploy's side of the kept artifacts (report/artifacts.ts): what the run report records about
// the template and parameters this run sent, and the finally-step that keeps them, locally and in
// the artifacts account, when the run succeeded (or found the stack in sync).
import { parametersText, projectIdentity, sha256, storableParameters, templateText, writeRunArtifacts, type RunArtifactFiles } from '../report/artifacts.ts';
import type { RunArtifact } from '../report/model.ts';
import { defaultRunsDir, uploadRunFiles } from '../report/store.ts';
import type { Step } from '../runner/steps.ts';
import type { DeployContext } from './deploy-context.ts';

/** Only a run that left the stack as its template and parameters describe keeps them. */
const keeps = (ctx: DeployContext): boolean => ctx.lock !== undefined && (ctx.outcome === 'succeeded' || ctx.outcome === 'no-changes');

/** What this run deployed (or would have): the compiled template and the parameters it sent, secure ones left out. */
function artifactFiles(ctx: DeployContext): { files: RunArtifactFiles; omitted: string[] } | undefined {
  if (ctx.preflight === undefined) return undefined;
  const { template } = ctx.preflight;
  const { parameters, omitted } = storableParameters(template, ctx.whatIfInput?.parameters ?? ctx.preflight.parameters);
  return { files: { 'template.json': templateText(template), 'parameters.json': parametersText(parameters) }, omitted };
}

export function artifactRecord(ctx: DeployContext): { artifact?: RunArtifact } {
  const built = artifactFiles(ctx);
  if (built === undefined) return {};
  const from = ctx.request.source?.origin;
  return {
    artifact: {
      project: projectIdentity(),
      templateSha256: sha256(built.files['template.json']),
      parametersSha256: sha256(built.files['parameters.json']),
      stored: keeps(ctx),
      secureParametersOmitted: built.omitted,
      ...(from === undefined ? {} : { from }),
    },
  };
}

/** A finally-step before the report: template.json and parameters.json next to it, locally and uploaded. */
export const keepArtifactsStep: Step<DeployContext> = {
  skip: (ctx) => !keeps(ctx),
  async run(ctx) {
    const { files } = artifactFiles(ctx)!;
    await writeRunArtifacts(files, ctx.services.runsDir ?? defaultRunsDir, ctx.request.deployment, ctx.runId);
    // As the report's upload: a store that cannot be reached leaves the local copy.
    if (ctx.store !== undefined) await uploadRunFiles(ctx.store, ctx.request.deployment, ctx.runId, { ...files }).catch(() => undefined);
  },
};
