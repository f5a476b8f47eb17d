// Who calls the local ARM emulator: `--as <identity>` with --emulator. The emulator authorizes the
// token's object id, so a run as `ci` has exactly the rights bootstrap --emulator gave the CI
// identity (a missing action of the deployment role fails offline where Azure would fail). On Azure
// there is nothing to choose: the identity is the login (az login, or the OIDC federated credential).
import { UsageError } from '@complianceflow/core/errors.ts';
import { defaultEmulatorPrincipalId, emulatorCiPrincipalId, emulatorPrPrincipalId } from '@complianceflow/core/arm/emulator-token.ts';
import { alignColumns } from '@complianceflow/core/tables.ts';

export const emulatorIdentities = {
  owner: { principalId: defaultEmulatorPrincipalId, what: 'the subscription owner (the default: a person on the emulator)' },
  ci: { principalId: emulatorCiPrincipalId, what: 'the CI identity (bootstrap --emulator assigns it the deployment role)' },
  pr: { principalId: emulatorPrPrincipalId, what: 'the pull-request identity (read and what-if only)' },
} as const;

export type EmulatorIdentity = keyof typeof emulatorIdentities;

const names = Object.keys(emulatorIdentities) as EmulatorIdentity[];

/** The --help lines of --as (one text for every command that has it), its description at `column`. */
export function asOptionHelp(column = 25): string {
  const lines = [
    'with --emulator: call ARM as ci (the CI identity that bootstrap --emulator',
    'gives the deployment role), pr (the pull-request identity) or owner (the',
    'default). Not for Azure: there the identity is the login (az login, OIDC in CI)',
  ];
  return alignColumns(lines.map((line, i) => [i === 0 ? '  --as <identity>' : '', line]), { gap: '', minWidths: [column] }).join('\n');
}

/** --as checked before anything starts: a known name, and only with --emulator (exit 2 otherwise). */
export function parseEmulatorIdentity(value: string | undefined, emulator: boolean): EmulatorIdentity {
  if (value === undefined) return 'owner';
  if (!(names as string[]).includes(value)) throw new UsageError(`--as "${value}" is not an identity of the ARM emulator: use one of ${names.join(', ')}`);
  if (!emulator) {
    throw new UsageError(`--as ${value} chooses who calls the local ARM emulator: pass --emulator with it`, 'on Azure the identity is the login: az login for people, the OIDC federated credential in GitHub Actions');
  }
  return value as EmulatorIdentity;
}

/** "" for the owner, " as the CI identity" otherwise (for "where" in messages and run reports). */
export function asSuffix(identity: EmulatorIdentity): string {
  return identity === 'owner' ? '' : ` as ${identity === 'ci' ? 'the CI identity' : 'the pull-request identity'}`;
}
