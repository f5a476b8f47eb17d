// List answers: { value, nextLink } with an absolute, same-origin nextLink when $top cuts the list.
import type { Request } from './http.ts';

export function page<T>(req: Request, items: T[]): { value: T[]; nextLink?: string } {
  const top = Number(req.query.get('$top') ?? '0');
  const skip = Number(req.query.get('$skiptoken') ?? '0');
  if (!Number.isInteger(top) || top <= 0) return { value: items.slice(skip) };
  const value = items.slice(skip, skip + top);
  if (skip + top >= items.length) return { value };
  const next = new URLSearchParams(req.query);
  next.set('$skiptoken', String(skip + top));
  return { value, nextLink: `${req.origin}${req.path}?${next.toString()}` };
}
