// The shapes the offline policy evaluator works on: ARM resources as `bicep snapshot` predicts them,
// and Azure Policy definitions, initiatives (policy set definitions) and assignments as Azure stores them.

/** One predicted resource from a Bicep snapshot (`predictedResources[*]`). */
export interface ArmResource {
  type: string;
  apiVersion?: string;
  /** Full name, e.g. `kv/secret` for a child resource. */
  name: string;
  id?: string;
  location?: string;
  kind?: string;
  tags?: Record<string, unknown>;
  sku?: Record<string, unknown>;
  identity?: Record<string, unknown>;
  zones?: unknown[];
  properties?: Record<string, unknown>;
  [key: string]: unknown;
}

export type PolicyMode = 'All' | 'Indexed';

export interface ParameterDefinition {
  type: string;
  defaultValue?: unknown;
  allowedValues?: unknown[];
  metadata?: Record<string, unknown>;
}

export interface PolicyRule {
  if: unknown;
  then: { effect: string; details?: unknown };
}

export interface PolicyDefinition {
  /** The definition name (a GUID for built-ins). */
  name: string;
  /** The resource id an initiative refers to it by. */
  id: string;
  properties: {
    displayName: string;
    policyType?: string;
    mode: string;
    description?: string;
    metadata?: Record<string, unknown>;
    parameters?: Record<string, ParameterDefinition>;
    policyRule: PolicyRule;
  };
}

export interface PolicySetReference {
  policyDefinitionId: string;
  policyDefinitionReferenceId: string;
  parameters?: Record<string, { value: unknown }>;
}

export interface PolicySetDefinition {
  name: string;
  id: string;
  properties: {
    displayName: string;
    description?: string;
    metadata?: Record<string, unknown>;
    parameters?: Record<string, ParameterDefinition>;
    policyDefinitions: PolicySetReference[];
  };
}

export interface PolicyAssignment {
  name: string;
  properties: {
    displayName: string;
    description?: string;
    policyDefinitionId: string;
    /** `/subscriptions/{subscriptionId}`: the placeholder is filled in at evaluation/deploy time. */
    scope: string;
    notScopes?: string[];
    enforcementMode?: 'Default' | 'DoNotEnforce';
    parameters?: Record<string, { value: unknown }>;
  };
}

/** The policy effects this evaluator reports. Effects other than deny/audit are reported as they are. */
export type PolicyEffect = 'deny' | 'audit' | 'disabled' | string;

/** One policy (a definition, with its parameter values) that an assignment applies. */
export interface EffectivePolicy {
  assignment: string;
  /** The initiative's reference id, or the definition's name for a direct assignment. */
  referenceId: string;
  definition: PolicyDefinition;
  parameters: Record<string, unknown>;
  enforced: boolean;
}

export interface PolicyResult {
  resourceId: string;
  resourceType: string;
  name: string;
  /** Display name of the policy definition. */
  policy: string;
  /** The definition's reference id inside the initiative. */
  referenceId: string;
  assignment: string;
  effect: PolicyEffect;
  reason: string;
}

/** A resource left out by an assignment's notScopes: what would have applied without the exclusion. */
export interface ExemptedResource {
  resourceId: string;
  resourceType: string;
  name: string;
  /** The notScopes entry that covers it. */
  scope: string;
  /** Why the scope is excluded. */
  reason: string;
  /** The non-compliant results the exclusion suppresses (deny or audit). */
  suppressed: PolicyResult[];
}

export interface PolicyEvaluation {
  results: PolicyResult[];
  /** Resources the assignments' notScopes leave out, each with what it would have met. */
  exempted: ExemptedResource[];
  denied: number;
  audited: number;
  /** How many (resource, policy) pairs were evaluated. */
  evaluated: number;
}

export interface EvaluationScope {
  environment: string;
  location: string;
  subscriptionId: string;
  resourceGroup?: string;
}
