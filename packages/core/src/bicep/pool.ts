// Several Bicep sessions as one: a `bicep jsonrpc` process answers one request at a time (a
// snapshot sent while it compiles waits for the compile), so snapshots of many deployments use a
// second core only through a second process. Compile, compileParams and format go to the first
// session; each snapshot to the session with the fewest requests in flight. The other sessions
// start at once and take a warm-up snapshot (warm-up.ts) while the first one compiles.
import type { BicepSession } from './index.ts';
import { warmUpSnapshots } from './warm-up.ts';

export function bicepPool(sessions: readonly [BicepSession, ...BicepSession[]]): BicepSession {
  const [first, ...others] = sessions;
  const warmUps = others.map((s) => warmUpSnapshots(s));
  const inFlight = sessions.map(() => 0);
  const least = (): number => inFlight.indexOf(Math.min(...inFlight));
  return {
    bicepPath: first.bicepPath,
    compile: (file, check) => first.compile(file, check),
    compileParams: (file, check) => first.compileParams(file, check),
    format: (file) => first.format(file),
    async snapshot(paramsFile, metadata) {
      const index = least();
      inFlight[index]!++;
      try {
        return await sessions[index]!.snapshot(paramsFile, metadata);
      } finally {
        inFlight[index]!--;
      }
    },
    dispose: async () => {
      await Promise.all(warmUps);
      await Promise.all(sessions.map((s) => s.dispose()));
    },
  };
}
