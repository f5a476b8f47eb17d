// npm run emulator: the ARM emulator in the foreground until Ctrl-C / SIGTERM.
// Settings: ARM_EMULATOR_PORT (8443), ARM_EMULATOR_STATE_DIR (.local-data/arm-emulator),
// ARM_EMULATOR_SUBSCRIPTION_ID, ARM_EMULATOR_LATENCY_MS ("default=300,Microsoft.DBforPostgreSQL/flexibleServers=5000"),
// ARM_EMULATOR_TRANSIENT_RATE (0..1), ARM_EMULATOR_RETRY_AFTER (s), ARM_EMULATOR_FAIL_TYPES ("Microsoft.Cache/redisEnterprise=QuotaExceeded"),
// ARM_EMULATOR_VERBOSE=1 (log every request).
// --until-stdin-closes: also stop when stdin closes (a parent that started it for one command, and may die).
import { checkEnvironment, envString } from '@complianceflow/core/env.ts';
import { CliError } from '@complianceflow/core/errors.ts';
import { startEmulator } from './index.ts';
import { optionsFromEnv } from './options.ts';
import { defaultStateDir } from './paths.ts';

async function main(): Promise<number> {
  let options;
  let verbose;
  // Every variable is checked before anything is written (the CA, the state) or a port opened.
  try {
    checkEnvironment(process.env, 'emulator');
    options = optionsFromEnv(process.env, { stateDir: defaultStateDir });
    verbose = envString('ARM_EMULATOR_VERBOSE') === '1';
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    console.error(`arm-emulator: error: ${error.message}`);
    return 2;
  }
  let emulator;
  try {
    emulator = await startEmulator({ ...options, log: (line) => { if (verbose || line.startsWith('internal error') || line.startsWith('outputs') || line.startsWith('job ')) console.error(line); } });
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    console.error(`arm-emulator: cannot start: ${e.code === 'EADDRINUSE' ? `port ${options.port} is in use (set ARM_EMULATOR_PORT)` : e.message}`);
    return 1;
  }
  console.log(`ARM emulator listening on ${emulator.endpoint}`);
  console.log(`  CA certificate:   ${emulator.caPath}`);
  console.log(`  subscription id:  ${emulator.subscriptionId}`);
  console.log(`  state directory:  ${emulator.stateDir}`);
  console.log('Press Ctrl-C to stop.');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
    if (process.argv.includes('--until-stdin-closes')) process.stdin.once('close', resolve).resume();
  });
  await emulator.close();
  console.log('ARM emulator stopped.');
  return 0;
}

process.exitCode = await main();
