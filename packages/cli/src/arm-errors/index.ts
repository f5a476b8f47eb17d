// ARM errors as a platform engineer needs them. Pure. (Transient answers are retried by the SDK's
// retry policy, configured once in arm/clients.ts.)
export { explainArmError, formatArmError, rootCauses, toCliError } from './explain.ts';
export { toArmErrorDetail } from './extract.ts';
export { roleGranting } from './roles.ts';
export type { ArmErrorDetail, ArmErrorExplanation, ExplainContext } from './types.ts';
