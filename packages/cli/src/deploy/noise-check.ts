// After a successful deploy, the what-if once more: with the template and parameters just applied,
// ARM should report nothing to change; what it still reports is noise (whatif/noise-candidates.ts),
// written to the run report as candidate rules. A run with nothing to change reuses its what-if.
// The check never fails the deploy: an ARM error here is recorded as the reason it did not run.
import { CliError } from '@complianceflow/core/errors.ts';
import type { DeploymentStack } from '@azure/arm-resourcesdeploymentstacks';
import type { WhatIfInput } from '../arm/stack-definition.ts';
import type { NoiseRecord } from '../report/model.ts';
import { noiseCandidates, type WhatIfModel } from '../whatif/index.ts';

export interface NoiseCheckInput {
  /** The what-if the run showed before the apply (reused when nothing was applied). */
  before: WhatIfModel;
  applied: boolean;
  input: WhatIfInput;
  stack: DeploymentStack;
  preview(input: WhatIfInput, existing: DeploymentStack): Promise<WhatIfModel>;
  /** YYYY-MM-DD, dates the candidates' expiry. */
  today: string;
}

export async function checkNoise(check: NoiseCheckInput): Promise<NoiseRecord> {
  let model = check.before;
  if (check.applied) {
    try {
      model = await check.preview(check.input, check.stack);
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      return { notRun: `the what-if after the deploy failed: ${error.message.split('\n')[0]}` };
    }
  }
  return noiseCandidates(model, check.today);
}
