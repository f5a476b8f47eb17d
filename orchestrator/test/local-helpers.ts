import path from 'node:path';
import { envExampleFile, localDir, repoRoot } from '../src/local/paths.ts';

export const paths = {
  repoRoot,
  localDir,
  envExample: envExampleFile,
  cli: path.join(repoRoot, 'orchestrator', 'src', 'cli.ts'),
};
