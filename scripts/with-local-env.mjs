// `npm run dlq` / `npm run relay`: runs a built tool with npm start's settings (.local/env: the
// database, the local SQS endpoint and every queue with its DLQ, the relay's URL and demo backend
// key) under whatever the shell sets itself, so they work in a fresh second shell. A shell that
// points at some SQS of its own (an endpoint or a queue URL) gets none of them; the relay's URL and
// key come only as a pair, to a shell that sets neither (applyLocalEnv).
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { applyLocalEnv, ROOT } from './local-services.mjs';

const [tool, ...args] = process.argv.slice(2);
applyLocalEnv(process.env);
const main = path.resolve(ROOT, tool);
process.argv = [process.argv[0], main, ...args];
await import(pathToFileURL(main).href);
