// npm run emulator:reset: the only thing that clears the emulator's state (CA included).
import { existsSync, rmSync } from 'node:fs';
import { envString } from '@complianceflow/core/env.ts';
import { defaultStateDir } from './paths.ts';

const dir = envString('ARM_EMULATOR_STATE_DIR') ?? defaultStateDir;
if (existsSync(dir)) {
  rmSync(dir, { recursive: true, force: true });
  console.log(`ARM emulator state removed: ${dir}`);
} else console.log(`ARM emulator state: nothing to remove at ${dir}`);
