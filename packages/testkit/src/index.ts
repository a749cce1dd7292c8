export { freePort, isAddressInUse } from './free-port.ts';
export { HOSTILE_SHELL_ENV } from './hostile-shell.ts';
export { type ProcessExit, pickEnv, type RunningProcess, StartProcessError, type StartProcessOptions, startProcess } from './start-process.ts';
export { type RunningServer, startServer } from './start-server.ts';
export { type WaitForOptions, waitFor } from './wait-for.ts';
