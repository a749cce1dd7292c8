// vitest setupFiles entry: runs every test file under HOSTILE_SHELL_ENV (see hostile-shell.ts).
import { HOSTILE_SHELL_ENV } from './hostile-shell.ts';

Object.assign(process.env, HOSTILE_SHELL_ENV);
