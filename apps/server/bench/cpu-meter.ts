// CPU time spent by each party to a load, read from /proc (utime + stime, which include the kernel's work for
// each process's own socket reads and writes): the process under test, this machine's Postgres and Redis
// server processes (every process named `postgres` / `redis-server`: on an otherwise idle machine, the ones
// the server talks to), and this process, the load generator (autocannon and the flow driver run in it).
// On a machine whose cores are all busy during a load, rate ≈ cores / (the parties' CPU per request): the
// shares say what bounds a ratio, and how far any part of it can move it.
import { readdirSync, readFileSync } from 'node:fs';

export interface CpuShare {
  server: number;
  postgres: number;
  redis: number;
  driver: number;
}

/** utime + stime of `pid`, µs; 0 once it has exited. */
export function cpuMicros(pid: number): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return 0;
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / 100; // fields 14, 15 of proc(5); USER_HZ 100
}

function pidsNamed(comm: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === comm) pids.push(Number(entry));
    } catch {
      // exited while listed
    }
  }
  return pids;
}

/** CPU of every process named `comm` from now on: processes started later count from zero, exited ones drop out. */
function groupMeter(comm: string): () => number {
  const before = new Map(pidsNamed(comm).map((pid) => [pid, cpuMicros(pid)]));
  return () => pidsNamed(comm).reduce((sum, pid) => sum + cpuMicros(pid) - (before.get(pid) ?? 0), 0);
}

/** Starts measuring; the function returned gives each party's CPU since, divided by `units` (requests, flows). */
export function startCpuMeter(serverPid: number): (units: number) => CpuShare {
  const server0 = cpuMicros(serverPid);
  const postgres = groupMeter('postgres');
  const redis = groupMeter('redis-server');
  const driver0 = process.cpuUsage();
  return (units) => {
    const driver = process.cpuUsage(driver0);
    const per = (micros: number) => micros / Math.max(units, 1);
    return {
      server: per(cpuMicros(serverPid) - server0),
      postgres: per(postgres()),
      redis: per(redis()),
      driver: per(driver.user + driver.system),
    };
  };
}

export const totalCpu = (s: CpuShare): number => s.server + s.postgres + s.redis + s.driver;
