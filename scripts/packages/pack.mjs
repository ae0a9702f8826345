// `node scripts/packages/pack.mjs <dir>`: packs every published workspace package (after
// `npm run build`) into <dir> and prints {"<name>": "<tarball path>"} — what a host installs.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const destination = path.resolve(process.argv[2] ?? path.join(root, '.packs'));
fs.mkdirSync(destination, { recursive: true });
const packed = JSON.parse(
  execFileSync('npm', ['pack', '--json', '--workspaces', '--pack-destination', destination], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }),
);
const tarballs = {};
for (const { name, filename } of packed) {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8'));
  if (pkg.private) fs.rmSync(path.join(destination, filename), { force: true });
  else tarballs[name] = path.join(destination, filename);
}
console.log(JSON.stringify(tarballs, null, 2));
