// Child process for the lock tests: takes a deployment lock in Azurite, prints "ACQUIRED", and
// lives until it is killed. Usage: node lock-holder.ts <azurite-port> <container> <deployment> <lease-seconds>
import { acquireDeploymentLock } from '@complianceflow/cli/lock/deployment-lock.ts';
import { azuriteBlobUrl, azuriteCredential } from '@complianceflow/cli/lock/azurite.ts';
import { openLockStore } from '@complianceflow/cli/lock/store.ts';

const [port, container, deployment, leaseSeconds] = process.argv.slice(2);
const store = openLockStore({ accountUrl: azuriteBlobUrl(Number(port)), credential: azuriteCredential(), container: container! });
await acquireDeploymentLock(store, {
  deployment: deployment!,
  runId: `child-${process.pid}`,
  command: `deploy ${deployment}`,
  leaseSeconds: Number(leaseSeconds),
});
process.stdout.write('ACQUIRED\n');
// Keep the process alive (the lock's renewal timer is unref'ed on purpose).
setInterval(() => undefined, 1 << 30);
