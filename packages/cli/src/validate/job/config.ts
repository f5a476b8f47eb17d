// The validation job's contract: the environment variables its container reads. The job template
// (bicep/modules/containerapps, names identical) carries the configuration; each start adds the
// run's own variables; the emulator's job runner adds the local ones.
export const jobEnv = {
  /** Set by the job template (non-secret). */
  configuration: {
    target: 'CF_VALIDATE_TARGET',
    deployment: 'CF_DEPLOYMENT',
    keyVaultUri: 'CF_KEY_VAULT_URI',
    postgresHost: 'CF_POSTGRES_HOST',
    redisHost: 'CF_REDIS_HOST',
    redisPort: 'CF_REDIS_PORT',
    eventHubsBootstrapServer: 'CF_EVENTHUBS_BOOTSTRAP_SERVER',
    logAnalyticsWorkspaceId: 'CF_LOG_ANALYTICS_WORKSPACE_ID',
    applicationInsightsName: 'CF_APPLICATION_INSIGHTS_NAME',
  },
  /** Set by each start (cf-infra validate): the results blob's write-only SAS URL (a secret) and the run id. */
  run: {
    resultsUrl: 'CF_VALIDATE_RESULTS_URL',
    runId: 'CF_VALIDATE_RUN_ID',
    /** What the run does: validate (the data checks, the default) or databases (the deploy's database step). */
    task: 'CF_JOB_TASK',
  },
  /** CF_VALIDATE_TARGET=local (the emulator's job runner): the local environment's settings file. */
  local: {
    envPath: 'CF_VALIDATE_ENV_PATH',
  },
} as const;

export type JobTarget = 'azure' | 'local';
export const jobTasks = ['validate', 'databases'] as const;
export type JobTask = (typeof jobTasks)[number];

/** The one result a job writes when it cannot set its checks up (a missing output, an unreadable secret, a bad settings file). */
export const jobSetUpCheckName = (task: JobTask): string => (task === 'databases' ? 'database step: set-up' : 'validation job: set-up');

export interface JobConfiguration {
  target: JobTarget;
  task: JobTask;
  deployment: string;
  runId: string;
  resultsUrl: string;
  /** local: the settings file (default local/.env, else .env.example). */
  envPath?: string;
  /** azure: the endpoints the template passes (keys of jobEnv.configuration). */
  azure?: Record<Exclude<keyof typeof jobEnv.configuration, 'target' | 'deployment'>, string>;
}

/** Reads the job's configuration; throws naming the variable that is missing or wrong. */
export function readJobConfiguration(env: NodeJS.ProcessEnv): JobConfiguration {
  const need = (name: string): string => {
    const value = env[name];
    if (value === undefined || value === '') throw new Error(`${name} is not set (the job template / start request sets it)`);
    return value;
  };
  const target = need(jobEnv.configuration.target);
  if (target !== 'azure' && target !== 'local') throw new Error(`${jobEnv.configuration.target} must be azure or local, got "${target}"`);
  const task = env[jobEnv.run.task] || 'validate';
  if (!(jobTasks as readonly string[]).includes(task)) throw new Error(`${jobEnv.run.task} must be ${jobTasks.join(' or ')}, got "${task}"`);
  const base = { target, task: task as JobTask, deployment: need(jobEnv.configuration.deployment), runId: need(jobEnv.run.runId), resultsUrl: need(jobEnv.run.resultsUrl) } as const;
  if (target === 'local') {
    const envPath = env[jobEnv.local.envPath];
    return { ...base, ...(envPath ? { envPath } : {}) };
  }
  const c = jobEnv.configuration;
  return {
    ...base,
    azure: {
      keyVaultUri: need(c.keyVaultUri),
      postgresHost: need(c.postgresHost),
      redisHost: need(c.redisHost),
      redisPort: need(c.redisPort),
      eventHubsBootstrapServer: need(c.eventHubsBootstrapServer),
      logAnalyticsWorkspaceId: need(c.logAnalyticsWorkspaceId),
      applicationInsightsName: need(c.applicationInsightsName),
    },
  };
}
