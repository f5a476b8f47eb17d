// The one GUID pattern (subscription, tenant, principal and role definition ids), in any case.
const guidSource = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** A value that is a GUID and nothing else. */
export const guidPattern = new RegExp(`^${guidSource}$`, 'i');

const guidAtEnd = new RegExp(`(${guidSource})$`, 'i');

/** The GUID an id ends with (…/roleDefinitions/<guid>), lower case; undefined when it ends otherwise. */
export const trailingGuid = (id: string): string | undefined => guidAtEnd.exec(id)?.[1]?.toLowerCase();
