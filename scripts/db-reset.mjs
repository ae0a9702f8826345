// `npm run db:reset`: drops and recreates the local database (DATABASE_URL, else npm start's) and
// applies the migrations: a clean state for "Try it" (the stand-in and fauxqs keep nothing between
// runs). Only a database on this machine, and not while npm start runs (use `npm start -- --fresh`).
import fs from 'node:fs';
import { LOCAL_DATABASE_URL, LOCAL_ENV_FILE, prepareDatabase, resetRefusal } from './local-services.mjs';

const databaseUrl = process.env.DATABASE_URL ?? LOCAL_DATABASE_URL;
const refused = resetRefusal(databaseUrl);
if (refused) {
  console.error(`npm run db:reset resets a database on this machine only, never with NODE_ENV=production: ${refused}`);
  process.exit(1);
}
const owner = fs.existsSync(LOCAL_ENV_FILE)
  ? /\(pid (\d+)\)/.exec(fs.readFileSync(LOCAL_ENV_FILE, 'utf8'))?.[1]
  : undefined;
if (owner && isRunning(Number(owner))) {
  console.error(`npm start (pid ${owner}) is running on it: stop it first, or start it with \`npm start -- --fresh\``);
  process.exit(1);
}
await prepareDatabase(databaseUrl, { recreate: true });
console.log(`Database ${new URL(databaseUrl).pathname.slice(1)} recreated and migrated`);

function isRunning(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
