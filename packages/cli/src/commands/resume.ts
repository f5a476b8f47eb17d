// `cf-infra resume <deployment>`: start the PostgreSQL server that `cf-infra pause` stopped.
import { runPower } from './pause.ts';

export const summary = "Start a paused non-prod deployment's PostgreSQL server again";
export const run = (args: string[]): Promise<number> => runPower('resume', args);
