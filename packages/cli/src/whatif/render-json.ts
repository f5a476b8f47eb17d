// What-if for machines: the normalised model itself (noise dropped, secrets already masked).
import type { WhatIfModel } from './model.ts';

export function renderJson(model: WhatIfModel): string {
  return `${JSON.stringify(model, null, 2)}\n`;
}
