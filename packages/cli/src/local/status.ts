/** One row of `local status`. */
export interface ServiceStatus {
  service: string;
  port: number;
  state: 'healthy' | 'unhealthy' | 'stopped' | 'not available';
  detail: string;
}

export function renderStatus(rows: readonly ServiceStatus[]): string {
  const header = { service: 'SERVICE', port: 'PORT', state: 'HEALTH', detail: 'DETAIL' };
  const cells = [header, ...rows.map((row) => ({ ...row, port: `127.0.0.1:${row.port}` }))];
  const width = (key: 'service' | 'port' | 'state'): number => Math.max(...cells.map((cell) => String(cell[key]).length));
  return cells
    .map((cell) => `${String(cell.service).padEnd(width('service'))}  ${String(cell.port).padEnd(width('port'))}  ${String(cell.state).padEnd(width('state'))}  ${cell.detail}`)
    .join('\n');
}

export function allHealthy(rows: readonly ServiceStatus[]): boolean {
  return rows.every((row) => row.state === 'healthy' || row.state === 'not available');
}
