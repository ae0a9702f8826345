// `npm run check:packages` (part of `npm test`, after the build): every package a host installs is
// checked as its tarball will be. publint and arethetypeswrong read the packed files; then each
// built file's require() calls are matched against the package's declared dependencies, so a lib
// that starts using a package without declaring it fails here and not in a host's install.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';

const root = path.resolve(import.meta.dirname, '../..');
const rootPkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const dirs = rootPkg.workspaces.flatMap((pattern) => {
  const base = path.join(root, pattern.replace(/\/\*$/, ''));
  return fs
    .readdirSync(base)
    .map((name) => path.join(base, name))
    .filter((dir) => fs.existsSync(path.join(dir, 'package.json')));
});
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
const problems = [];

function jsFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory()
      ? jsFiles(full)
      : entry.name.endsWith('.js') || entry.name.endsWith('.d.ts')
        ? [full]
        : [];
  });
}

function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const run = promisify(execFile);
const published = dirs
  .map((dir) => ({ dir, pkg: JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) }))
  .filter(({ pkg }) => !pkg.private);

// Each tool packs the package itself; two at a time, as these machines have two cores.
const tools = published.flatMap(({ dir, pkg }) => [
  { pkg, tool: 'publint', args: ['--strict', dir] },
  { pkg, tool: 'attw', args: ['--pack', dir, '--format', 'ascii'] },
]);
await Promise.all(
  [0, 1].map(async () => {
    for (let job = tools.shift(); job; job = tools.shift()) {
      try {
        await run(bin(job.tool), job.args, { cwd: root, encoding: 'utf8' });
      } catch (error) {
        problems.push(`${job.pkg.name}: ${job.tool} failed\n${error.stdout ?? ''}${error.stderr ?? ''}`);
      }
    }
  }),
);

const privateNames = new Set(
  dirs
    .map((dir) => JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')))
    .filter((p) => p.private)
    .map((p) => p.name),
);
for (const { dir, pkg } of published) {
  const where = path.relative(root, dir);
  for (const name of Object.keys(pkg.dependencies ?? {})) {
    if (privateNames.has(name))
      problems.push(`${pkg.name} depends on ${name}, which is private: a host could not install it`);
  }
  const declared = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]);
  const dist = path.join(dir, 'dist');
  if (!fs.existsSync(dist)) {
    problems.push(`${pkg.name}: ${where}/dist is missing (run npm run build)`);
    continue;
  }
  for (const file of jsFiles(dist)) {
    const text = fs.readFileSync(file, 'utf8');
    const specifiers = [...text.matchAll(/require\("([^"]+)"\)|from ['"]([^'"]+)['"]|import\(['"]([^'"]+)['"]\)/g)].map(
      (m) => m[1] ?? m[2] ?? m[3],
    );
    for (const specifier of specifiers) {
      const rel = path.relative(root, file);
      if (specifier.startsWith('@app/')) problems.push(`${rel}: path alias ${specifier} in built output`);
      if (specifier.startsWith('.')) {
        const target = path.resolve(path.dirname(file), specifier);
        if (!target.startsWith(dir + path.sep)) problems.push(`${rel}: ${specifier} leaves the package`);
        continue;
      }
      if (builtins.has(specifier) || builtins.has(packageName(specifier))) continue;
      const name = packageName(specifier);
      if (!declared.has(name) && !(file.endsWith('.d.ts') && declared.has(`@types/${name}`)))
        problems.push(`${rel}: uses ${name}, which ${pkg.name} does not declare`);
    }
  }
}

if (problems.length > 0) {
  console.error(`Packages: ${problems.length} problem(s)\n\n${[...new Set(problems)].join('\n')}`);
  process.exit(1);
}
console.log(
  `Packages: ${published.length} checked (publint --strict, arethetypeswrong, declared dependencies) — no problems`,
);
