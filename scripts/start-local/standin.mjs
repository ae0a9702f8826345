// The local Discord stand-in as npm start's child process: started from dist/, its log passed on,
// ready once its ready line says so.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { ROOT } from '../local-services.mjs';

/**
 * Starts the stand-in with `env`; `ready` resolves with its ready line's facts (page, apiUrl,
 * publicKey). An exit while npm start is not stopping rejects `ready` and calls `onExit`.
 */
export function startStandin(env, { stopping, onExit }, timeoutMs = 30_000) {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'tools', 'discord-standin', 'src', 'main.js')], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`The Discord stand-in did not report ready within ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
    child.once('exit', (code, signal) => {
      if (stopping()) return;
      reject(new Error(`The Discord stand-in exited with code ${code}`));
      onExit(code, signal);
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      console.log(line);
      try {
        const entry = JSON.parse(line);
        if (entry.ready === true && entry.name === 'discord-standin') {
          clearTimeout(timer);
          resolve(entry);
        }
      } catch {
        // not a log line of the stand-in's; shown as it is
      }
    });
  });
  return { child, ready };
}
