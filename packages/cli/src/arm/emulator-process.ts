// --emulator with no emulator running: one is started for the command as a child process
// (`node packages/arm-emulator/src/main.ts` on a free port, on the usual state directory) and
// stopped when the command ends. The CLI knows it as it knows a running one: by the endpoint it
// prints and the CA it writes, never by importing its code.
import path from 'node:path';
import { repoRoot } from '@complianceflow/core/repo-root.ts';
import { CliError } from '@complianceflow/core/errors.ts';
import { startProcess } from '@complianceflow/core/process.ts';

/** The line the emulator prints once it listens (packages/arm-emulator/src/main.ts). */
const listeningLine = /^ARM emulator listening on (\S+)$/m;
const emulatorMain = path.join(repoRoot, 'packages/arm-emulator/src/main.ts');
const startTimeoutMs = 60_000;

export interface EmulatorProcess {
  endpoint: string;
  /** Its process id (benchmarks read its CPU time). */
  pid: number | undefined;
  stop(): Promise<void>;
}

export async function startEmulatorProcess(env: NodeJS.ProcessEnv, stateDir: string): Promise<EmulatorProcess> {
  // --until-stdin-closes: if this process dies without stopping it, the emulator goes with it.
  const child = startProcess(process.execPath, [emulatorMain, '--until-stdin-closes'], { env: { ...env, ARM_EMULATOR_PORT: '0', ARM_EMULATOR_STATE_DIR: stateDir } });
  let output = '';
  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new CliError(`the ARM emulator did not start within ${startTimeoutMs / 1000} s:\n${output.trim()}`)), startTimeoutMs);
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      const match = listeningLine.exec(output);
      if (match !== null) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    void child.then((result) => {
      clearTimeout(timer);
      reject(new CliError(`the ARM emulator exited (code ${result.exitCode}) before it listened:\n${output.trim()}`));
    });
  });
  return {
    endpoint,
    pid: child.pid,
    stop: async () => {
      child.stdin.end();
      await child;
    },
  };
}
