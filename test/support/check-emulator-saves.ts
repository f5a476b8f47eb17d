// Loaded by the integration suite (test/integration/.mocharc.json): every ARM emulator the tests
// start, in this process or as a child process that inherits the environment, fails a save that did
// not name a state section it changed (packages/arm-emulator/src/state.ts).
process.env['ARM_EMULATOR_CHECK_SAVES'] ??= '1';
