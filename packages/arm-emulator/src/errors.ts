// ARM's error envelope: {"error":{"code","message","target"?,"details"?,"additionalInfo"?}}
// (common-types/resource-management/v5/types.json#/definitions/ErrorResponse in Azure/azure-rest-api-specs).

export interface ArmErrorBody {
  code: string;
  message: string;
  target?: string;
  details?: ArmErrorBody[];
  additionalInfo?: { type: string; info: unknown }[];
}

export class ArmError extends Error {
  readonly status: number;
  readonly body: ArmErrorBody;
  readonly headers: Record<string, string>;
  constructor(status: number, code: string, message: string, extra: Partial<ArmErrorBody> = {}, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.body = { code, message, ...extra };
    this.headers = headers;
  }
}

export const missingApiVersion = (): ArmError =>
  new ArmError(400, 'MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests.");

export const invalidApiVersion = (given: string, supported: readonly string[]): ArmError =>
  new ArmError(400, 'InvalidApiVersionParameter', `The api-version '${given}' is invalid. The supported versions are '${supported.join(',')}'.`);

export const noRegisteredProvider = (type: string, given: string, supported: readonly string[], location = 'global'): ArmError =>
  new ArmError(
    400,
    'NoRegisteredProviderFound',
    `No registered resource provider found for location '${location}' and API version '${given}' for type '${type.split('/').slice(1).join('/')}'. The supported api-versions are '${supported.join(', ')}'.`,
  );

export const invalidResourceType = (type: string, namespace: string, apiVersion: string): ArmError =>
  new ArmError(404, 'InvalidResourceType', `The resource type '${type}' could not be found in the namespace '${namespace}' for api version '${apiVersion}'.`);

export const invalidNamespace = (namespace: string): ArmError =>
  new ArmError(404, 'InvalidResourceNamespace', `The resource namespace '${namespace}' is invalid.`);

export const resourceNotFound = (type: string, name: string, resourceGroup: string | undefined): ArmError =>
  new ArmError(
    404,
    'ResourceNotFound',
    `The Resource '${type}/${name}' under resource group '${resourceGroup ?? '<null>'}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  );

export const resourceGroupNotFound = (name: string): ArmError =>
  new ArmError(404, 'ResourceGroupNotFound', `Resource group '${name}' could not be found.`);

export const subscriptionNotFound = (id: string): ArmError =>
  new ArmError(404, 'SubscriptionNotFound', `The subscription '${id}' could not be found.`);

export const invalidRequestContent = (detail: string): ArmError =>
  new ArmError(400, 'InvalidRequestContent', `The request content was invalid and could not be deserialized: '${detail}'.`);

export const noRoute = (method: string, path: string): ArmError =>
  new ArmError(404, 'NotFound', `The requested resource does not support http method '${method}' on '${path}'.`);

export const methodNotAllowed = (method: string, path: string): ArmError =>
  new ArmError(405, 'MethodNotAllowed', `The requested resource does not support http method '${method}' on '${path}'.`);
