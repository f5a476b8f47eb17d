import { alignColumns } from '@complianceflow/core/tables.ts';

/** One row of `local status`. */
export interface ServiceStatus {
  service: string;
  port: number;
  state: 'healthy' | 'unhealthy' | 'stopped' | 'not available';
  detail: string;
}

export function renderStatus(rows: readonly ServiceStatus[]): string {
  const cells = rows.map((row) => [row.service, `127.0.0.1:${row.port}`, row.state, row.detail]);
  return alignColumns([['SERVICE', 'PORT', 'HEALTH', 'DETAIL'], ...cells]).join('\n');
}

export function allHealthy(rows: readonly ServiceStatus[]): boolean {
  return rows.every((row) => row.state === 'healthy' || row.state === 'not available');
}
