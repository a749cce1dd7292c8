export { pickEnv, type ProcessExit, type RunningProcess, type StartProcessOptions, StartProcessError, startProcess } from './start-process.ts';
export { type WaitForOptions, waitFor } from './wait-for.ts';
