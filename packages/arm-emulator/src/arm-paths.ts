// The URLPattern pathnames of ARM's surfaces, shared by the route table (router.ts) and the actions
// each request needs (authorization/request-actions.ts).
export const subscription = '/subscriptions/:subscription';
export const group = `${subscription}/resourcegroups/:group`;
export const providers = `${subscription}/providers`;
export const keyVault = `${providers}/microsoft.keyvault`;
export const deletedVault = `${keyVault}/locations/:location/deletedvaults/:name`;
export const armResources = `${providers}/microsoft.resources`;
export const job = `${subscription}{/resourcegroups/:group}?/providers/microsoft.app/jobs/:name`;
/** Any resource id below a resource group's or the subscription's providers (the generic handlers parse it). */
export const anyResource = `${subscription}{/resourcegroups/:group}?/providers{/*}?`;
