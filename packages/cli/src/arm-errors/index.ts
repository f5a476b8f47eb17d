// ARM errors as a platform engineer needs them, and the retry rules for transient answers. Pure.
export { explainArmError, formatArmError, rootCauses, toCliError } from './explain.ts';
export { toArmErrorDetail } from './extract.ts';
export { roleGranting } from './roles.ts';
export { isTransient, retryAfterMs, retryDelayMs } from './transient.ts';
export type { HeaderSource } from './transient.ts';
export type { ArmErrorDetail, ArmErrorExplanation, ExplainContext } from './types.ts';
