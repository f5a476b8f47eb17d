// Mocha root hook for the unit suite: a unit test starts no process and opens no port.
// The patches are installed when this file is loaded (before any spec file), so modules that
// copy `child_process.spawn` at import time (zx does) get the guarded function too.
// A violation throws where it happens; when the code under test catches that error, the afterEach
// hook fails the test, so it cannot be hidden.
import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';

const violations: string[] = [];

function forbid(what: string): never {
  const message = `unit tests must not ${what}; move this test to test/integration/`;
  violations.push(message);
  throw new Error(message);
}

const processFunctions = ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const;
for (const name of processFunctions) {
  Object.defineProperty(childProcess, name, {
    configurable: true,
    writable: true,
    value: (command: unknown) => forbid(`start a process (child_process.${name} ${String(command)})`),
  });
}
syncBuiltinESMExports();

net.Server.prototype.listen = function listen(): never {
  return forbid('listen on a port (net.Server.listen)');
};

export const mochaHooks = {
  afterEach(this: Mocha.Context): void {
    const found = violations.splice(0);
    // A test that failed already says why; one that passed caught the error. The hook's error()
    // fails that test (not the hook, which would stop the whole run).
    if (found.length === 0 || this.currentTest?.state !== 'passed') return;
    (this.test as Mocha.Hook).error(new Error(found.join('\n')));
  },
};
