// The Key Vault check: every expected secret is readable with the credential in use (in the in-VNet
// job that is the workload identity, the one the services use), enabled, not expired and non-empty.
// readSecrets is also how other checks get PostgreSQL passwords and connection strings. A value is
// never put in a reason: the check masks whatever it read before it answers (and the runner masks again).
import type { DeploymentStack } from '@azure/arm-resourcesdeploymentstacks';
import type { TokenCredential } from '@azure/core-auth';
import { EmulatorCredential } from '../arm/emulator-credential.ts';
import { errorCode, isUnreachable, secretClient, type VaultAccess } from '../secrets/client.ts';
import { expectedSecrets, vaultOf, workloadIdentityOf } from '../secrets/expected.ts';
import { fail, pass, type CheckDefinition } from './model.ts';
import { maskSecrets } from './runner.ts';

export type SecretProblem = 'missing' | 'disabled' | 'forbidden' | 'unreachable' | 'error';

export type SecretRead =
  | { name: string; readable: true; value: string; version: string; enabled: boolean; expiresOn?: Date; notBefore?: Date; contentType?: string }
  | { name: string; readable: false; problem: SecretProblem; reason: string };

export interface ReadOptions extends VaultAccess {
  /** Reads at once (default 4). */
  concurrency?: number;
  /** Aborts the reads still running (the check's time is up): their connections are closed. */
  abortSignal?: AbortSignal;
}

function problemOf(error: unknown): { problem: SecretProblem; reason: string } {
  const { code, statusCode, message } = errorCode(error);
  if (isUnreachable(error)) return { problem: 'unreachable', reason: `the vault is not reachable from here (${code}${statusCode === undefined ? '' : ` ${statusCode}`}): it is reachable through its private endpoint only — run from inside the VNet` };
  if (statusCode === 404) return { problem: 'missing', reason: `${code}: not in the vault` };
  if (statusCode === 403 && /disabled/i.test(message)) return { problem: 'disabled', reason: 'the secret is disabled' };
  if (statusCode === 403 || statusCode === 401) return { problem: 'forbidden', reason: `${code} (${statusCode}): ${message}` };
  return { problem: 'error', reason: `${code}${statusCode === undefined ? '' : ` (${statusCode})`}: ${message}` };
}

/** Reads the current version of each named secret, in the order given. Never throws for one secret. */
export async function readSecrets(vaultUrl: string, names: readonly string[], options: ReadOptions = {}): Promise<SecretRead[]> {
  const client = secretClient(vaultUrl, options);
  const results: SecretRead[] = new Array(names.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < names.length; i = next++) {
      const name = names[i]!;
      try {
        const secret = await client.getSecret(name, options.abortSignal === undefined ? {} : { abortSignal: options.abortSignal });
        const p = secret.properties;
        results[i] = {
          name,
          readable: true,
          value: secret.value ?? '',
          version: p.version ?? '',
          enabled: p.enabled !== false,
          ...(p.expiresOn === undefined ? {} : { expiresOn: p.expiresOn }),
          ...(p.notBefore === undefined ? {} : { notBefore: p.notBefore }),
          ...(p.contentType === undefined ? {} : { contentType: p.contentType }),
        };
      } catch (error) {
        results[i] = { name, readable: false, ...problemOf(error) };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, names.length)) }, worker));
  return results;
}

/** Only the values of the readable secrets, by name (for other checks' targets). */
export function valuesOf(reads: readonly SecretRead[]): Map<string, string> {
  return new Map(reads.flatMap((r) => (r.readable ? [[r.name, r.value] as const] : [])));
}

export interface KeyVaultTarget {
  vaultUrl: string;
  /** Secrets that must be there: template-written (from the stack) + generated post-deploy (secrets/names.ts). */
  required: readonly string[];
  /** Secrets an operator sets: reported when missing, not failed. */
  operatorSet: readonly string[];
  access: VaultAccess;
  /** Whose identity reads, for the reason: "the workload identity id-cf-… (client id …)" or "the caller's identity". */
  identity: string;
}

export const keyVaultCheckName = 'key vault: expected secrets readable by the services identity';

/** Pure: the problems of what was read (missing, unreadable, disabled, expired, not yet valid, empty). */
export function secretProblems(reads: readonly SecretRead[], now: Date = new Date()): string[] {
  const groups = new Map<string, string[]>();
  const add = (what: string, name: string): void => void groups.set(what, [...(groups.get(what) ?? []), name]);
  for (const r of reads) {
    if (!r.readable) add(r.problem === 'error' || r.problem === 'forbidden' ? `${r.problem} (${r.reason})` : r.problem, r.name);
    else if (!r.enabled) add('disabled', r.name);
    else if (r.expiresOn !== undefined && r.expiresOn.getTime() <= now.getTime()) add('expired', r.name);
    else if (r.notBefore !== undefined && r.notBefore.getTime() > now.getTime()) add('not yet valid (nbf)', r.name);
    else if (r.value.trim() === '') add('empty', r.name);
  }
  return [...groups].map(([what, names]) => `${what}: ${names.join(', ')}`);
}

export function keyVaultChecks(target: KeyVaultTarget): CheckDefinition[] {
  return [
    {
      name: keyVaultCheckName,
      troubleshooting: 'key-vault',
      timeoutMs: 60_000,
      async run(signal) {
        if (target.required.length === 0) return fail(`no expected secret names: the stack manages no Microsoft.KeyVault/vaults/secrets and the catalogue lists no service`);
        const reads = await readSecrets(target.vaultUrl, [...target.required, ...target.operatorSet], { ...target.access, abortSignal: signal });
        const values = [...valuesOf(reads).values()];
        const required = new Set(target.required);
        const problems = secretProblems(reads.filter((r) => required.has(r.name)));
        const unreachable = reads.find((r): r is Extract<SecretRead, { readable: false }> => !r.readable && r.problem === 'unreachable');
        const operatorMissing = reads.filter((r) => !required.has(r.name) && !r.readable).map((r) => r.name);
        const note = operatorMissing.length === 0 ? '' : `; operator secret(s) not set yet: ${operatorMissing.join(', ')} (set with az keyvault secret set)`;
        const reason =
          problems.length === 0
            ? pass(`${target.required.length} secrets of ${target.vaultUrl} read by ${target.identity}: enabled, not expired, non-empty${note}`)
            : fail(`${unreachable === undefined ? '' : `${unreachable.reason}; `}read by ${target.identity} from ${target.vaultUrl}: ${problems.join('; ')}${note}`);
        return { status: reason.status, reason: maskSecrets(reason.reason, values) };
      },
    },
  ];
}

export type KeyVaultSetting =
  /** The emulator: its CA, and a token of the workload identity (its principal id from the stack). */
  | { kind: 'emulator'; caPem: string }
  /** Azure: the caller's credential (DefaultAzureCredential unless given); in the in-VNet job that is the workload identity. */
  | { kind: 'azure'; credential?: TokenCredential; env?: NodeJS.ProcessEnv };

/**
 * The Key Vault check for a deployed stack, or why it cannot run: the vault from output
 * security.keyVaultUri, the expected names from the stack's vaults/secrets + secrets/names.ts.
 */
export function keyVaultChecksFor(stack: DeploymentStack | undefined, services: readonly string[], setting: KeyVaultSetting): CheckDefinition[] | { reason: string } {
  const vault = vaultOf(stack);
  if (vault === undefined) return { reason: 'the stack has no output security.keyVaultUri (deploy it first)' };
  const expected = expectedSecrets(stack, services);
  const workload = workloadIdentityOf(stack);
  let access: VaultAccess;
  let identity: string;
  if (setting.kind === 'emulator') {
    access = { credential: new EmulatorCredential(workload.principalId === undefined ? {} : { principalId: workload.principalId }), emulatorCaPem: setting.caPem };
    identity = `the workload identity (principal ${workload.principalId ?? 'unknown'}, an emulator token)`;
  } else {
    const env = setting.env ?? process.env;
    access = setting.credential === undefined ? {} : { credential: setting.credential };
    identity =
      workload.clientId !== undefined && env.AZURE_CLIENT_ID === workload.clientId
        ? `the workload identity (client id ${workload.clientId})`
        : `the caller's identity (DefaultAzureCredential${env.AZURE_CLIENT_ID ? `, AZURE_CLIENT_ID ${env.AZURE_CLIENT_ID}` : ''}), not the workload identity the services use`;
  }
  return keyVaultChecks({ vaultUrl: vault.url, required: expected.required, operatorSet: expected.operatorSet, access, identity });
}
