import path from 'node:path';

/** Where native mode keeps each service's data, log and pid (all under one project-owned root). */
export interface NativeLayout {
  root: string;
  postgresDir: string;
  postgresData: string;
  postgresLog: string;
  redisDir: string;
  redisPid: string;
  redisLog: string;
  /** What `up` started with (ports), for status and down. */
  stateFile: string;
}

export function nativeLayout(root: string): NativeLayout {
  const postgresDir = path.join(root, 'postgres');
  const redisDir = path.join(root, 'redis');
  return {
    root,
    postgresDir,
    postgresData: path.join(postgresDir, 'data'),
    postgresLog: path.join(postgresDir, 'postgres.log'),
    redisDir,
    redisPid: path.join(redisDir, 'redis.pid'),
    redisLog: path.join(redisDir, 'redis.log'),
    stateFile: path.join(root, 'native.json'),
  };
}
