// Preloaded into an Azurite that cf-infra starts (`node --import <this file> …/azurite/…/main.js`).
// Its stdin is a pipe from the cf-infra process, which nothing else holds: when that process is gone —
// finished, Ctrl-C, SIGTERM, even SIGKILL — the pipe ends, and Azurite shuts down as on SIGTERM
// (its own handler closes the server), so nothing is left listening on the port. Running in its own
// process group, Azurite does not get a terminal's Ctrl-C itself: it outlives cf-infra's own signal
// handling, which still needs it to release the deployment's lock.
const stop = (): void => void process.kill(process.pid, 'SIGTERM');
process.stdin.once('end', stop);
process.stdin.once('error', stop);
process.stdin.resume();
// The pipe alone must not keep Azurite alive once its server has closed.
(process.stdin as { unref?: () => void }).unref?.();
