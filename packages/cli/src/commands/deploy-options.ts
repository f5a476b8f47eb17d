// The options deploy and rollback share, and the parsing of the values other commands take too
// (--format, --stack-wait / --lock-wait). Light: the command modules parse before loading a pipeline.
import type { OutputFormat } from '../deploy/deploy-context.ts';
import { UsageError } from '@complianceflow/core/errors.ts';
import { parseCommandArgs, targetOptions } from './args.ts';

const formats = ['text', 'markdown', 'json'];

export function parseFormat(value: string | undefined, command: string): OutputFormat {
  const format = value ?? 'text';
  if (!formats.includes(format)) throw new UsageError(`${command}: --format "${format}" is not one of ${formats.join(', ')}`);
  return format as OutputFormat;
}

/** --stack-wait / --lock-wait <seconds>: a whole number, 0 to 86400; in ms. */
export function parseWaitSeconds(value: string | undefined, option: string, command: string, defaultSeconds: number): number {
  if (value === undefined) return defaultSeconds * 1000;
  if (!/^\d+$/.test(value) || Number(value) > 86_400) throw new UsageError(`${command}: ${option} "${value}" is not a number of seconds from 0 to 86400`);
  return Number(value) * 1000;
}

/** The options deploy and rollback share. */
export const deployOptions = {
  ...targetOptions,
  yes: { type: 'boolean', short: 'y', default: false },
  'allow-delete': { type: 'boolean', default: false },
  format: { type: 'string' },
  'env-path': { type: 'string' },
  'local-env': { type: 'boolean', default: false },
  'stack-wait': { type: 'string' },
  'lock-wait': { type: 'string' },
  'github-output': { type: 'boolean', default: false },
} as const;

export type DeployValues = Exclude<ReturnType<typeof parseCommandArgs<typeof deployOptions>>, { help: true }>['values'];
