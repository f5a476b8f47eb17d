// Every environment variable the orchestrator and the ARM emulator read, with what each allows: the
// one place they are checked. `cf-infra` and `npm run emulator` check them all before doing
// anything (no file written, no port opened); the readers below parse the same rules, so a value
// that passed the check reads the same everywhere. An empty value counts as not set.
import { UsageError } from './errors.ts';
import { guidPattern } from './guid.ts';

export interface EnvVariable {
  /** What it sets, for messages and the docs. */
  purpose: string;
  /** What is allowed, as the message says it. */
  allowed: string;
  /**
   * Who reads it: the CLI (cf-infra), the emulator (npm run emulator, or started by cf-infra), both,
   * or the validation job (packages/cli/src/validate/job-main.ts, its own process); 'job-azure':
   * only with CF_VALIDATE_TARGET=azure (the local target ignores the template's endpoints, which the
   * emulator leaves as unevaluated template expressions).
   */
  readBy: 'cli' | 'emulator' | 'both' | 'job' | 'job-azure';
  /** A secret (a SAS URL): a refused value is not shown. */
  secret?: boolean;
  /** Longer values are refused (default maxLength). */
  maxLength?: number;
  /** Undefined when the value is allowed, else what is wrong with it (the message adds the rest). */
  problem(value: string): string | undefined;
}

// Longer values are refused outright: nothing here needs more, and a message quotes the value.
const maxLength = 4096;

function port(purpose: string, readBy: EnvVariable['readBy'], min = 1): EnvVariable {
  const allowed = `an integer from ${min} to 65535${min === 0 ? ' (0: any free port)' : ''}`;
  return { purpose, readBy, allowed, problem: (v) => (/^\d{1,5}$/.test(v) && Number(v) >= min && Number(v) <= 65535 ? undefined : 'not a TCP port') };
}

function httpsUrl(purpose: string, readBy: EnvVariable['readBy'] = 'cli'): EnvVariable {
  return {
    purpose,
    readBy,
    allowed: 'an https:// URL (e.g. https://127.0.0.1:8443)',
    problem: (v) => {
      try {
        return new URL(v).protocol === 'https:' ? undefined : 'not an https URL (the Azure SDK sends tokens over HTTPS only)';
      } catch {
        return 'not a URL';
      }
    },
  };
}

function filePath(purpose: string, readBy: EnvVariable['readBy']): EnvVariable {
  return { purpose, readBy, allowed: 'a file system path', problem: (v) => (v.includes('\0') ? 'contains a NUL character' : undefined) };
}

function oneOf(purpose: string, readBy: EnvVariable['readBy'], values: readonly string[]): EnvVariable {
  return { purpose, readBy, allowed: values.join(' or '), problem: (v) => (values.includes(v) ? undefined : 'not one of the allowed values') };
}

function hostName(purpose: string): EnvVariable {
  const label = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
  return { purpose, readBy: 'job-azure', allowed: 'a DNS host name', problem: (v) => (v.length <= 253 && v.split('.').every((part) => label.test(part)) ? undefined : 'not a host name') };
}

function guidVariable(purpose: string, readBy: EnvVariable['readBy']): EnvVariable {
  return { purpose, readBy, allowed: 'a GUID like 00000000-0000-0000-0000-000000000000', problem: (v) => (guidPattern.test(v) ? undefined : 'not a GUID') };
}

function number(purpose: string, min: number, max: number): EnvVariable {
  return {
    purpose,
    readBy: 'emulator',
    allowed: `a number from ${min} to ${max}`,
    problem: (v) => (/^\d+(\.\d+)?$/.test(v) && Number(v) >= min && Number(v) <= max ? undefined : 'out of range or not a number'),
  };
}

/** `name=value,…` lists (ARM_EMULATOR_LATENCY_MS, ARM_EMULATOR_FAIL_TYPES). */
export function envPairs(text: string): [string, string][] {
  if (text.trim() === '') return [];
  return text.split(',').map((item) => {
    const at = item.lastIndexOf('=');
    return at <= 0 ? ['', item.trim()] : [item.slice(0, at).trim(), item.slice(at + 1).trim()];
  });
}

const resourceType = /^[A-Za-z][A-Za-z0-9]*\.[A-Za-z0-9.]+(\/[A-Za-z0-9]+)+$/;
const latencyMax = 3_600_000;

export const envVariables = {
  ARM_EMULATOR_PORT: port("the ARM emulator's HTTPS port (default 8443)", 'both', 0),
  ARM_EMULATOR_ENDPOINT: httpsUrl('the URL of a running ARM emulator'),
  CF_EMULATOR_URL: httpsUrl('the URL of a running ARM emulator (older name of ARM_EMULATOR_ENDPOINT)'),
  ARM_EMULATOR_CA: filePath("the CA certificate (PEM) of a running ARM emulator", 'cli'),
  ARM_EMULATOR_STATE_DIR: filePath("the ARM emulator's state directory (default .local-data/arm-emulator)", 'both'),
  ARM_EMULATOR_SUBSCRIPTION_ID: guidVariable("the ARM emulator's subscription id", 'both'),
  ARM_EMULATOR_LATENCY_MS: {
    purpose: 'provisioning time of the emulated long-running operations',
    readBy: 'emulator',
    allowed: `default=<ms> and/or <Namespace/type>=<ms>, comma-separated (ms from 0 to ${latencyMax})`,
    problem: (v) => {
      for (const [key, ms] of envPairs(v)) {
        if (key === '') return `"${ms}" is not name=value`;
        if (key !== 'default' && !resourceType.test(key)) return `"${key}" is not default or a resource type`;
        if (!/^\d+$/.test(ms) || Number(ms) > latencyMax) return `"${ms}" (for ${key}) is not a whole number of milliseconds`;
      }
      return undefined;
    },
  },
  ARM_EMULATOR_TRANSIENT_RATE: number('share of requests the ARM emulator answers with a transient 429/500/503', 0, 1),
  ARM_EMULATOR_RETRY_AFTER: number('Retry-After seconds of the ARM emulator', 0, 3600),
  ARM_EMULATOR_FAIL_TYPES: {
    purpose: 'resource types whose provisioning the ARM emulator fails, with the error code',
    readBy: 'emulator',
    allowed: '<Namespace/type>=<ErrorCode>, comma-separated (e.g. Microsoft.Cache/redisEnterprise=QuotaExceeded)',
    problem: (v) => {
      for (const [key, code] of envPairs(v)) {
        if (key === '') return `"${code}" is not name=value`;
        if (!resourceType.test(key)) return `"${key}" is not a resource type`;
        if (!/^[A-Za-z][A-Za-z0-9]{0,99}$/.test(code)) return `"${code}" (for ${key}) is not an error code`;
      }
      return undefined;
    },
  },
  ARM_EMULATOR_JOB_RUNNER: oneOf('how the ARM emulator runs a started Container Apps job', 'emulator', ['local', 'none']),
  ARM_EMULATOR_VERBOSE: oneOf('log every request of the ARM emulator', 'emulator', ['0', '1']),
  ARM_EMULATOR_CHECK_SAVES: oneOf("check that every save names each state section it changed (the integration tests set it; each save then serializes the whole state)", 'emulator', ['0', '1']),
  AZURITE_BLOB_PORT: port("Azurite's blob port, the local lock store (default 10000)", 'cli'),
  AZURE_SUBSCRIPTION_ID: guidVariable('the Azure subscription (instead of --subscription)', 'cli'),
  AZURE_CLIENT_ID: guidVariable('the client id of the workload identity', 'cli'),
  AZURE_CLIENT_OBJECT_ID: guidVariable('the object id of the deploying principal', 'cli'),
  CF_ARTIFACTS_ACCOUNT_URL: httpsUrl('the artifacts storage account (lock and run reports), e.g. https://<account>.blob.core.windows.net'),
  CF_LOCK_CONTAINER: {
    purpose: 'the blob container of the deployment locks (default deployment-locks)',
    readBy: 'cli',
    allowed: '3-63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit',
    // Container naming rules: https://learn.microsoft.com/rest/api/storageservices/naming-and-referencing-containers--blobs--and-metadata
    problem: (v) => (/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/.test(v) ? undefined : 'not a container name'),
  },
  CF_LOCK_STORE_DIR: filePath("the local lock store's (Azurite's) state directory (default .local-data/azurite)", 'cli'),
  // Azure's finite blob leases are 15-60 s (Lease Blob, x-ms-lease-duration).
  CF_LOCK_LEASE_SECONDS: { purpose: 'the deployment lock lease in seconds (default 60)', readBy: 'cli', allowed: 'a whole number from 15 to 60', problem: (v) => (/^\d{2}$/.test(v) && Number(v) >= 15 && Number(v) <= 60 ? undefined : 'not a lease duration') },
  CF_RUNS_DIR: filePath('where run reports are written (default .runs)', 'cli'),
  GITHUB_OUTPUT: filePath("the step outputs file of GitHub Actions (set by Actions): `deploy --github-output` and `show --github-output` append to it", 'cli'),
  BICEP_PATH: filePath('the Bicep CLI to use', 'cli'),
  // Read in one place, packages/core/src/text/style.ts; any value is allowed, as other tools read them too.
  NO_COLOR: { purpose: 'no colour in the output of cf-infra (https://no-color.org)', readBy: 'cli', allowed: 'any value', problem: () => undefined },
  FORCE_COLOR: { purpose: 'colour in the output of cf-infra even when it is not a terminal, or never (0, false); wins over NO_COLOR, as in Node', readBy: 'cli', allowed: 'any value (0 or false: no colour)', problem: () => undefined },
  CF_VALIDATE_IMAGE: {
    purpose: 'the validation job image',
    readBy: 'cli',
    allowed: 'an image reference without spaces (registry/repository:tag)',
    problem: (v) => (/^[\w][\w.\-/:@]*$/.test(v) ? undefined : 'not an image reference'),
  },
  // Docker tag grammar: https://docs.docker.com/reference/cli/docker/image/tag/
  CF_VALIDATE_IMAGE_TAG: { purpose: 'the validation job image tag (default latest)', readBy: 'cli', allowed: 'a tag: letters, digits, _ . -, at most 128, not starting with . or -', problem: (v) => (/^\w[\w.-]{0,127}$/.test(v) ? undefined : 'not an image tag') },
  CF_VALIDATE_JOB: oneOf('whether validate starts the validation job', 'cli', ['run', 'skip']),
  // The validation job's contract (validate/job/config.ts, stack-env.ts): set by its template and start request.
  CF_JOB_TASK: oneOf('what the validation job does', 'job', ['validate', 'databases']),
  CF_VALIDATE_TARGET: oneOf('where the validation job runs', 'job', ['azure', 'local']),
  CF_DEPLOYMENT: { purpose: 'the deployment the validation job checks', readBy: 'job', allowed: '{regionCode}-{environment}-{instance}, e.g. westeu-test-1', problem: (v) => (/^[a-z][a-z0-9]*-[a-z][a-z0-9]*-[1-9][0-9]*$/.test(v) ? undefined : 'not a deployment name') },
  CF_KEY_VAULT_URI: httpsUrl("the deployment's Key Vault URI", 'job-azure'),
  CF_POSTGRES_HOST: hostName('the PostgreSQL server host name'),
  CF_REDIS_HOST: hostName('the Redis host name'),
  CF_REDIS_PORT: port('the Redis TLS port', 'job-azure'),
  CF_EVENTHUBS_BOOTSTRAP_SERVER: { purpose: "the Event Hubs namespace's Kafka endpoint", readBy: 'job-azure', allowed: '<host>:<port>', problem: (v) => (/^[A-Za-z0-9.-]{1,253}:\d{1,5}$/.test(v) ? undefined : 'not host:port') },
  CF_LOG_ANALYTICS_WORKSPACE_ID: guidVariable('the Log Analytics workspace (customer) id', 'job-azure'),
  CF_APPLICATION_INSIGHTS_NAME: { purpose: 'the Application Insights component name', readBy: 'job-azure', allowed: '1-260 letters, digits and - _ . ( )', problem: (v) => (/^[\w.()-]{1,260}$/.test(v) ? undefined : 'not a component name') },
  CF_VALIDATE_RESULTS_URL: {
    purpose: "the results blob's write-only SAS URL",
    readBy: 'job',
    secret: true,
    // Azurite (the local target's blob service) speaks plain HTTP on loopback only.
    allowed: 'an https:// URL, or http:// to 127.0.0.1 / localhost (Azurite)',
    problem: (v) => {
      try {
        const url = new URL(v);
        return url.protocol === 'https:' || (url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) ? undefined : 'not an https URL';
      } catch {
        return 'not a URL';
      }
    },
  },
  CF_VALIDATE_RUN_ID: { purpose: 'the validation run id', readBy: 'job', allowed: '1-100 letters, digits, _ . -', problem: (v) => (/^[\w.-]{1,100}$/.test(v) ? undefined : 'not a run id') },
  CF_VALIDATE_ENV_PATH: filePath("the local environment's settings file (local target)", 'job'),
  CF_VALIDATE_STACK: { purpose: "the deployed stack's outputs, as JSON", readBy: 'job', allowed: 'a JSON object of at most 100 kB (one environment value may hold 128 kB on Linux)', maxLength: 100 * 1024, problem: (v) => (v.trimStart().startsWith('{') ? undefined : 'not a JSON object') },
  CF_VALIDATE_EMULATOR_CA: { purpose: "the emulator's CA certificate (PEM)", readBy: 'job', allowed: 'a PEM certificate', maxLength: 64 * 1024, problem: (v) => (v.includes('-----BEGIN CERTIFICATE-----') ? undefined : 'not a PEM certificate') },
} satisfies Record<string, EnvVariable>;

export type EnvName = keyof typeof envVariables;

/** The value when set (an empty value counts as not set). */
function raw(name: EnvName, env: NodeJS.ProcessEnv): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

/** The message for one refused value: the variable, its value, what is wrong and what is allowed. */
function problemOf(name: EnvName, value: string): string | undefined {
  const spec: EnvVariable = envVariables[name];
  const limit = spec.maxLength ?? maxLength;
  const found = value.length > limit ? `longer than ${limit} characters` : spec.problem(value);
  if (found === undefined) return undefined;
  const shown = spec.secret === true ? '(a secret, not shown)' : value.length > 80 ? `${JSON.stringify(value.slice(0, 80))}…` : JSON.stringify(value);
  return `environment variable ${name}=${shown} is refused: ${found}; allowed: ${spec.allowed} (${spec.purpose})`;
}

export type Reader = 'cli' | 'emulator' | 'job';

/** Whether `who` reads a variable: cf-infra also reads the emulator's (it may start one in its process). */
function reads(who: Reader, readBy: EnvVariable['readBy'], env: NodeJS.ProcessEnv): boolean {
  if (who === 'cli') return readBy !== 'job' && readBy !== 'job-azure';
  if (who === 'emulator') return readBy === 'emulator' || readBy === 'both';
  return readBy === 'job' || (readBy === 'job-azure' && env.CF_VALIDATE_TARGET === 'azure');
}

/** Every problem with the variables `who` reads (pure). */
export function environmentProblems(env: NodeJS.ProcessEnv, who: Reader = 'cli'): string[] {
  const problems: string[] = [];
  for (const name of Object.keys(envVariables) as EnvName[]) {
    const spec: EnvVariable = envVariables[name];
    if (!reads(who, spec.readBy, env)) continue;
    const value = raw(name, env);
    if (value === undefined) continue;
    const problem = problemOf(name, value);
    if (problem !== undefined) problems.push(problem);
  }
  return problems;
}

/** Throws UsageError (exit 2) listing every refused variable. */
export function checkEnvironment(env: NodeJS.ProcessEnv, who: Reader = 'cli'): void {
  const problems = environmentProblems(env, who);
  if (problems.length === 1) throw new UsageError(problems[0]!, 'unset it or give an allowed value');
  if (problems.length > 1) throw new UsageError(`${problems.length} environment variables are refused:\n  - ${problems.join('\n  - ')}`, 'unset them or give allowed values');
}

/** The checked value of one variable, or undefined when it is not set. */
export function envString(name: EnvName, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = raw(name, env);
  if (value === undefined) return undefined;
  const problem = problemOf(name, value);
  if (problem !== undefined) throw new UsageError(problem);
  return value;
}

/** The checked numeric value of one variable, or `fallback` when it is not set. */
export function envNumber(name: EnvName, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const value = envString(name, env);
  return value === undefined ? fallback : Number(value);
}
