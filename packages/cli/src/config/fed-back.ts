// Parameters of bicep/main.bicep whose value only exists once the deployment does: an output of the
// deployed stack, passed back in on every deploy after the first (GUIDE section 9, "second deploy
// shapes"). The one table of them: deploy and what-if read the values from the stack's outputs; the
// offline plan uses a deterministic placeholder to plan (and snapshot) the follow-up deploy's shape.

export interface FedBackParameter {
  /** The main.bicep parameter. */
  parameter: string;
  /** Where the stack outputs carry its value: the output's name, then keys into its object value. */
  output: readonly [string, ...string[]];
  /** The offline plan's stand-in (there is no deployment to read a real value from). */
  placeholder(location: string): string;
}

export const fedBackParameters: readonly FedBackParameter[] = [
  {
    parameter: 'containerAppsDefaultDomain',
    output: ['containerApps', 'defaultDomain'],
    // Azure's form is <UNIQUE_IDENTIFIER>.<REGION_NAME>.azurecontainerapps.io (learn.microsoft.com/
    // azure/container-apps/environment-custom-dns-suffix); the identifier here says what it is.
    placeholder: (location) => `plan-placeholder.${location}.azurecontainerapps.io`,
  },
];

/** ARM parameter values ({ name: { value } }), as deploy and what-if send them. */
export type ArmParameterValues = Record<string, { value: string }>;

function outputValue(outputs: Record<string, unknown>, path: readonly string[]): unknown {
  const [name, ...keys] = path;
  const output = outputs[name!];
  // Stack outputs are { type, value }; the SDK passes them through as ARM sends them.
  let value: unknown = output !== null && typeof output === 'object' && 'value' in output ? (output as { value: unknown }).value : output;
  for (const key of keys) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return value;
}

/**
 * The fed-back parameters that the deployed stack's outputs give a value (a non-empty string); none
 * for a first deploy (no stack) or a stack without outputs (failed before it produced them).
 */
export function fedBackFromOutputs(outputs: unknown, table: readonly FedBackParameter[] = fedBackParameters): ArmParameterValues {
  if (outputs === null || typeof outputs !== 'object') return {};
  const values: ArmParameterValues = {};
  for (const entry of table) {
    const value = outputValue(outputs as Record<string, unknown>, entry.output);
    if (typeof value === 'string' && value.trim() !== '') values[entry.parameter] = { value };
  }
  return values;
}

/** The follow-up shape's parameters for the offline plan: every fed-back parameter at its placeholder. */
export function followUpPlaceholders(location: string, table: readonly FedBackParameter[] = fedBackParameters): Record<string, string> {
  return Object.fromEntries(table.map((entry) => [entry.parameter, entry.placeholder(location)]));
}
