// The runtime image carries the apps and their libs, never the Discord stand-in (tools/discord-standin,
// a development tool): its runtime stage copies nothing of tools/ or dist/tools, nor a whole folder
// that holds them. Read from the Dockerfile itself, no Docker needed. Run by `npm test` (npm run test:deploy).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The instructions of the Dockerfile's stage `name`, continuation lines joined. */
function stage(name) {
  const lines = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim());
  const start = lines.findIndex((l) => new RegExp(`^FROM\\s+\\S+\\s+AS\\s+${name}$`, 'i').test(l));
  assert.ok(start >= 0, `the Dockerfile has no stage ${name}`);
  const end = lines.findIndex((l, i) => i > start && /^FROM\s/i.test(l));
  return lines.slice(start + 1, end < 0 ? undefined : end).filter((l) => l && !l.startsWith('#'));
}

/** The sources of a COPY instruction (its flags and destination left out). */
const copySources = (instruction) =>
  instruction
    .split(/\s+/)
    .slice(1)
    .filter((w) => !w.startsWith('--'))
    .slice(0, -1);

describe('runtime image', () => {
  const copies = stage('runtime').filter((l) => /^(COPY|ADD)\s/i.test(l));

  it('copies nothing of the Discord stand-in', () => {
    assert.ok(copies.length > 0, 'the runtime stage copies nothing at all');
    for (const instruction of copies) {
      for (const source of copySources(instruction)) {
        const normalized = path.posix.normalize(source.replace(/^\/app\/?/, '') || '.').replace(/\/$/, '');
        assert.doesNotMatch(
          normalized,
          /(^|\/)tools(\/|$)/,
          `${instruction}: the stand-in stays out of the runtime image`,
        );
        // A whole folder that holds tools/ or dist/tools (the build stage's /app or /app/dist) would bring it along.
        assert.ok(
          !['.', 'dist', '*'].includes(normalized),
          `${instruction}: copy the apps' and libs' output, not the whole of ${source}`,
        );
      }
    }
  });
});
