export { freePort, isAddressInUse } from './free-port.ts';
export { HOSTILE_SHELL_ENV } from './hostile-shell.ts';
export { pickEnv, type ProcessExit, type RunningProcess, type StartProcessOptions, StartProcessError, startProcess } from './start-process.ts';
export { type RunningServer, startServer } from './start-server.ts';
export { type WaitForOptions, waitFor } from './wait-for.ts';
