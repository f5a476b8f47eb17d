// What-if rendering: normalise an ARM what-if result (deployment or stack) into one model, then
// render it as text (like az), markdown (PR comment) or JSON. Pure functions, no I/O.
export { changeKinds, hasChanges, summarise, summaryLine } from './model.ts';
export type { ChangeKind, PropertyChange, PropertyChangeKind, ResourceChange, Summary, Suppressed, SuppressedRule, WhatIfModel } from './model.ts';
export { normaliseDeploymentWhatIf, normaliseStackWhatIf, splitResourceId } from './normalise.ts';
export type { NormaliseOptions } from './normalise.ts';
export { compileNoiseRules, isExpired, matchNoiseRule, noNoiseRules, parsePathPattern, utcDate } from './noise.ts';
export type { NoiseRule, NoiseRules } from './noise.ts';
export { noiseCandidates } from './noise-candidates.ts';
export type { NoiseCandidate, NoiseFinding } from './noise-candidates.ts';
export { isSecretName, maskedValue } from './mask.ts';
export { changeLabels, changeSymbols } from './symbols.ts';
export { renderText } from './render-text.ts';
export type { TextOptions } from './render-text.ts';
export { defaultMarkdownMaxLength, renderMarkdown, scopeLabel } from './render-markdown.ts';
export type { MarkdownOptions } from './render-markdown.ts';
export { renderJson } from './render-json.ts';
export { withStackRemovals } from './stack-removals.ts';
export type { UnmanageAction } from './stack-removals.ts';
