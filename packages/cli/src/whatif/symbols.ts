// The symbols of `az deployment ... what-if`, plus `x` for a stack's detach (az uses `x` for
// "no effect" property changes, which we drop as noise, so `x` is free for detach).
import type { ChangeKind, PropertyChangeKind } from './model.ts';

export const changeSymbols: Record<ChangeKind, string> = {
  create: '+',
  modify: '~',
  delete: '-',
  detach: 'x',
  deploy: '!',
  noChange: '=',
  ignore: '*',
  unsupported: '?',
};

export const changeLabels: Record<ChangeKind, string> = {
  create: 'Create',
  modify: 'Modify',
  delete: 'Delete',
  detach: 'Detach (kept in Azure, no longer managed by the stack)',
  deploy: 'Deploy (redeployed; ARM cannot tell whether properties change)',
  noChange: 'NoChange',
  ignore: 'Ignore',
  unsupported: 'Unsupported (what-if cannot evaluate it)',
};

export const propertySymbols: Record<PropertyChangeKind, string> = {
  create: '+',
  modify: '~',
  delete: '-',
  array: '~',
  noEffect: 'x',
};

const ansi: Record<ChangeKind, string> = {
  create: '\u001b[32m',
  modify: '\u001b[35m',
  delete: '\u001b[31m',
  detach: '\u001b[33m',
  deploy: '\u001b[34m',
  noChange: '\u001b[90m',
  ignore: '\u001b[90m',
  unsupported: '\u001b[90m',
};
const propertyAnsi: Record<PropertyChangeKind, string> = {
  create: ansi.create,
  modify: ansi.modify,
  delete: ansi.delete,
  array: ansi.modify,
  noEffect: ansi.noChange,
};
const reset = '\u001b[0m';

export function paint(text: string, kind: ChangeKind, color: boolean): string {
  return color ? `${ansi[kind]}${text}${reset}` : text;
}
export function paintProperty(text: string, kind: PropertyChangeKind, color: boolean): string {
  return color ? `${propertyAnsi[kind]}${text}${reset}` : text;
}
