// `cf-infra unlock <deployment> --force`: break a deployment's run lock (a dead or stuck run), logged.
import { UsageError } from '@complianceflow/core/errors.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { deploymentPositional, parseCommandArgs } from './args.ts';
import { artifactsAccountUrlEnv, lockContainerEnv } from '../lock/location.ts';


const help = `Usage: cf-infra unlock <deployment> --force [options]     (npm run unlock -- <deployment> --force)

Breaks the lock another run holds on <deployment> (e.g. a run that was killed; its lock would also
expire by itself within a minute). Without --force it only shows who holds the lock.
The break is appended to locks/<deployment>.log next to the lock.

Options:
  --force              break the lock
  --emulator           the lock lives in Azurite (127.0.0.1:$AZURITE_BLOB_PORT, default 10000)
  --account-url <url>  the artifacts storage account's blob endpoint (default $${artifactsAccountUrlEnv})
  --container <name>   lock container (default $${lockContainerEnv}, else deployment-locks)
  -h, --help`;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs('unlock', args, {
    help,
    positionals: { ...deploymentPositional, hint: 'e.g. cf-infra unlock westeu-test-1 --force' },
    options: {
      force: { type: 'boolean', default: false },
      emulator: { type: 'boolean', default: false },
      'account-url': { type: 'string' },
      container: { type: 'string' },
    },
  });
  if (parsed.help) return ExitCode.Success;
  const { values, positionals } = parsed;
  const deployment = positionals[0]!;
  if (values.emulator && values['account-url'] !== undefined) {
    throw new UsageError('unlock: --emulator and --account-url exclude each other: the lock is either in Azurite or in the artifacts account.');
  }
  // The storage SDK loads once the flags are read: --help and bad flags load no package.
  const { auditBlobName, breakDeploymentLock, describeHolder, formatAge, readLockStatus, resolveLockStore } = await import('../lock/index.ts');
  const store = resolveLockStore({ emulator: values.emulator, accountUrl: values['account-url'], container: values.container });

  if (!values.force) {
    const status = await readLockStatus(store, deployment);
    if (!status.locked) {
      console.log(`deployment "${deployment}" is not locked.`);
      return ExitCode.Success;
    }
    const age = status.holder === undefined ? '' : ` (${formatAge(status.holder.startedAt)} ago)`;
    throw new UsageError(
      `refusing to break the lock of "${deployment}" without --force: it is held by ${describeHolder(status.holder)}${age}.`,
      `make sure that run is dead or stuck, then: cf-infra unlock ${deployment} --force`,
    );
  }

  const result = await breakDeploymentLock(store, deployment);
  if (!result.broken) {
    console.log(`deployment "${deployment}" is not locked: nothing to break.`);
    return ExitCode.Success;
  }
  console.log(result.auditLine!.trimEnd());
  console.log(`recorded in ${store.location}/${auditBlobName(deployment)}`);
  return ExitCode.Success;
}
