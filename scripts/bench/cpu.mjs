// CPU time of the processes a benchmark runs, from /proc (Linux): what a phase cost, whatever else
// the machine was doing meanwhile, where throughput alone moves with the machine's load.
import fs from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** User + system CPU time of a process in ms, or undefined once it has gone. */
export function processCpuMs(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime, stime (fields 14 and 15)
  } catch {
    return undefined;
  }
}

/**
 * CPU time (ms) of each Postgres backend serving `database`, by pid: its process title names the
 * database, so other work on the same server (another benchmark, a test run) is left out.
 */
export function postgresBackendsCpuMs(database) {
  const byPid = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
      if (!fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(` ${database} `)) continue;
    } catch {
      continue;
    }
    byPid.set(entry, processCpuMs(entry) ?? 0);
  }
  return byPid;
}

/**
 * Starts counting the CPU of `processes` (name → pid), of the Postgres backends of `database` and
 * of this process; the returned function gives each one's CPU ms since then (a backend that
 * started meanwhile counts whole; one that ended meanwhile is missed).
 */
export function cpuMeter(database, processes = {}) {
  const read = () => ({
    ...Object.fromEntries(Object.entries(processes).map(([name, pid]) => [name, processCpuMs(pid) ?? 0])),
    bench: (({ user, system }) => (user + system) / 1000)(process.cpuUsage()),
  });
  const start = read();
  const backends = postgresBackendsCpuMs(database);
  return () => {
    const end = read();
    let postgres = 0;
    for (const [pid, ms] of postgresBackendsCpuMs(database)) postgres += ms - (backends.get(pid) ?? 0);
    return { ...Object.fromEntries(Object.keys(end).map((name) => [name, end[name] - start[name]])), postgres };
  };
}
