// The names sql/service.sql and scripts/init-databases.sh give each service: its database and its
// login role (the deployment's names, derive.ts, and the local environment's). Pure, so the
// validation checks read them without the process layer that runs the SQL.

export function databaseName(service: string, suffix: string): string {
  return `complianceflow_${service}_${suffix}`;
}

export function serviceRoleName(service: string): string {
  return `cf_${service}`;
}
