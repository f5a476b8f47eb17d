// `cf-infra resume <deployment>`: start the PostgreSQL server that `cf-infra pause` stopped.
import { runPower } from './pause.ts';

export const run = (args: string[]): Promise<number> => runPower('resume', args);
