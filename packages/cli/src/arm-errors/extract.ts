// Turns whatever carried an ARM error (REST body, SDK RestError, stack/deployment `properties.error`,
// a JSON string inside an inner message) into one ArmErrorDetail.
import type { ArmErrorDetail } from './types.ts';

type Json = Record<string, unknown>;

function asObject(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function parseJson(text: unknown): unknown {
  if (typeof text !== 'string') return undefined;
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return undefined;
  try {
    return JSON.parse(trimmed);
  } catch {
    return undefined;
  }
}

/** The innermost object that looks like `{ code, message }`, unwrapping `{ error: ... }` envelopes. */
function errorObject(value: unknown): Json | undefined {
  const object = asObject(value);
  if (object === undefined) return undefined;
  const wrapped = asObject(object.error);
  if (wrapped !== undefined && (typeof wrapped.code === 'string' || typeof wrapped.message === 'string')) return errorObject(wrapped) ?? wrapped;
  // SDK RestError: the parsed body sits in `details` ({ error: {...} }), or only the raw text in the response.
  const sdkDetails = asObject(object.details);
  if (sdkDetails !== undefined) {
    const inner = errorObject(sdkDetails);
    if (inner !== undefined) return inner;
  }
  const response = asObject(object.response);
  if (response !== undefined && typeof object.code === 'string' && !Array.isArray(object.details)) {
    const parsed = errorObject(parseJson(response.bodyAsText));
    if (parsed !== undefined) return parsed;
  }
  if (typeof object.code === 'string' || typeof object.message === 'string') return object;
  return undefined;
}

function detail(object: Json): ArmErrorDetail {
  const message = typeof object.message === 'string' ? object.message : '';
  const details = Array.isArray(object.details) ? object.details : [];
  // Resource operation errors often carry the provider's whole response as a JSON string.
  const embedded = errorObject(parseJson(message));
  if (embedded !== undefined && details.length === 0) {
    return { ...detail(embedded), ...(typeof object.target === 'string' ? { target: object.target } : {}) };
  }
  const result: ArmErrorDetail = {
    code: typeof object.code === 'string' ? object.code : 'Unknown',
    message,
    details: details.flatMap((d) => {
      const inner = errorObject(d);
      return inner === undefined ? [] : [detail(inner)];
    }),
    additionalInfo: (Array.isArray(object.additionalInfo) ? object.additionalInfo : []).flatMap((a) => {
      const info = asObject(a);
      return info === undefined ? [] : [{ type: String(info.type ?? ''), info: info.info }];
    }),
  };
  if (typeof object.target === 'string') result.target = object.target;
  return result;
}

/**
 * An ARM error from a REST body (`{ error }`), a RestError of the Azure SDK, an ErrorDetail, or a
 * stack's properties (`{ error, failedResources: [{ id, error }] }`: each failed resource becomes a
 * detail). A plain Error becomes code "Unknown" with its message.
 */
export function toArmErrorDetail(error: unknown): ArmErrorDetail {
  const object = errorObject(error);
  const base: ArmErrorDetail =
    object !== undefined
      ? detail(object)
      : { code: 'Unknown', message: error instanceof Error ? error.message : String(error), details: [], additionalInfo: [] };
  const failed = asObject(error)?.failedResources;
  if (Array.isArray(failed) && base.details.length === 0) {
    for (const entry of failed) {
      const resource = asObject(entry);
      const inner = errorObject(resource?.error);
      if (resource === undefined || inner === undefined) continue;
      base.details.push({ ...detail(inner), target: String(resource.id ?? inner.target ?? '') });
    }
  }
  return base;
}
