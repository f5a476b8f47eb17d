// Which built-in role grants a missing ARM action, for AuthorizationFailed advice. Most specific
// first; role names as Azure's built-in role list spells them.

interface RoleRule {
  /** Matches the action (case-insensitive). */
  pattern: RegExp;
  role: string;
  why?: string;
}

const rules: readonly RoleRule[] = [
  {
    pattern: /^Microsoft\.Resources\/deploymentStacks\/manageDenySetting\/action$/i,
    role: 'Azure Deployment Stack Owner',
    why: 'only the Owner variant of the stack roles may set deny settings (prod denies writes outside the pipeline)',
  },
  { pattern: /^Microsoft\.Resources\/deploymentStacks\//i, role: 'Azure Deployment Stack Contributor', why: 'create/update/delete deployment stacks (without deny settings)' },
  {
    pattern: /^Microsoft\.Authorization\/roleAssignments\/(write|delete)$/i,
    role: 'Role Based Access Control Administrator',
    why: 'the stack creates role assignments (e.g. the workload identity on Key Vault); constrain it with a condition to the roles it assigns',
  },
  { pattern: /^Microsoft\.Authorization\/policy(Assignments|Definitions|SetDefinitions|Exemptions)\//i, role: 'Resource Policy Contributor' },
  { pattern: /^Microsoft\.Authorization\/locks\//i, role: 'Owner or User Access Administrator' },
  { pattern: /^Microsoft\.Insights\/diagnosticSettings\//i, role: 'Monitoring Contributor' },
  { pattern: /\/read$/i, role: 'Reader' },
  { pattern: /^Microsoft\.[A-Za-z]+\/register\/action$/i, role: 'Contributor', why: 'registering a resource provider on the subscription' },
  { pattern: /^Microsoft\.[A-Za-z.]+\//i, role: 'Contributor' },
];

export function roleGranting(action: string): { role: string; why: string | undefined } {
  const rule = rules.find((r) => r.pattern.test(action));
  return { role: rule?.role ?? 'Owner', why: rule?.why };
}
