// What the CLI and the local ARM emulator agree on without importing each other: where the emulator
// listens by default and which subscription it serves. The CLI reaches a running emulator only
// through its endpoint and CA (ARM_EMULATOR_ENDPOINT / ARM_EMULATOR_CA or these defaults).
import path from 'node:path';
import { repoRoot } from '../repo-root.ts';

/** The emulator's port unless ARM_EMULATOR_PORT says otherwise (npm run emulator, cf-infra --emulator). */
export const defaultEmulatorPort = 8443;
export const defaultSubscriptionId = '9e2c7a41-6b5d-4f3e-8a19-2c0d5e7f4b63';
/** Default state directory (gitignored); the emulator writes its CA certificate here as ca.pem. */
export const defaultEmulatorStateDir = path.join(repoRoot, '.local-data', 'arm-emulator');
