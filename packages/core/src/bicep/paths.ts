import path from 'node:path';
import { repoRoot } from '../repo-root.ts';
import { pinnedBicepVersion } from './version.ts';

export { repoRoot };
/**
 * The project's own copy, installed by scripts/install-bicep.sh (`npm run bicep:install`): the CLI
 * laid out unpacked (scripts/unpack-bicep.ts), or Microsoft's single file where that could not be done.
 */
export const projectBicepPath = path.join(repoRoot, '.tools', 'bicep', 'bicep');

/** Microsoft's single-file CLI of `version` (default: the pinned one) as NuGet delivered it to scripts/install-bicep.sh: the Bicep a script would run. */
export function singleFileBicepPath(version: string = pinnedBicepVersion()): string {
  return path.join(repoRoot, '.tools', 'nuget', 'azure.bicep.commandline.linux-x64', version, 'tools', 'bicep');
}
