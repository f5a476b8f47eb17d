// The symbols of `az deployment ... what-if`, plus `x` for a stack's detach (az uses `x` for
// "no effect" property changes, which we drop as noise, so `x` is free for detach).
import { style, type Style } from '@complianceflow/core/text/style.ts';
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

const styleOf: Record<ChangeKind, Style> = {
  create: 'green',
  modify: 'magenta',
  delete: 'red',
  detach: 'yellow',
  deploy: 'blue',
  noChange: 'gray',
  ignore: 'gray',
  unsupported: 'gray',
};
const propertyStyleOf: Record<PropertyChangeKind, Style> = {
  create: styleOf.create,
  modify: styleOf.modify,
  delete: styleOf.delete,
  array: styleOf.modify,
  noEffect: styleOf.noChange,
};

export function paint(text: string, kind: ChangeKind, color: boolean): string {
  return style(styleOf[kind], text, color);
}
export function paintProperty(text: string, kind: PropertyChangeKind, color: boolean): string {
  return style(propertyStyleOf[kind], text, color);
}
