// What the commands that work on one deployed stack share (show, secrets): the target flags checked,
// the deployment resolved, the ARM session opened and the stack read (a clear error when it is not
// deployed); the services closed afterwards, whatever happens.
import type { DeploymentStack } from '@azure/arm-resourcesdeploymentstacks';
import type { ArmSession } from '../arm/session.ts';
import type { ResolvedDeployment } from '../config/resolve.ts';
import type { CheckedTargetFlags, CommandServices, TargetFlags } from '../deploy/services.ts';

export interface DeployedStack {
  deployment: string;
  flags: CheckedTargetFlags;
  resolved: ResolvedDeployment;
  stackName: string;
  services: CommandServices;
  arm: ArmSession;
  stack: DeploymentStack;
}

export async function withDeployedStack<T>(deployment: string, targetFlags: TargetFlags, use: (deployed: DeployedStack) => Promise<T>): Promise<T> {
  // The registry, ARM and the services load here, not with the command's module: its --help loads no package.
  const [{ getDeployedStack }, { resolveTarget }, { checkTargetFlags, commandServices }] = await Promise.all([import('../arm/stack-provider.ts'), import('../deploy/preflight.ts'), import('../deploy/services.ts')]);
  const flags = checkTargetFlags(targetFlags);
  const resolved = resolveTarget(deployment).resolved as ResolvedDeployment;
  const stackName = resolved.otherNames.deploymentStack;
  const services = commandServices(flags);
  try {
    const arm = await services.openArm();
    const stack = await getDeployedStack(arm, stackName, deployment);
    return await use({ deployment, flags, resolved, stackName, services, arm, stack });
  } finally {
    await services.close();
  }
}
