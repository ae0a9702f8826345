// Runs fauxqs (a local SQS-protocol server) in its own process and prints {"port": N} once
// it listens. Used by `npm start`, the tests and the benchmark. FAUXQS_PORT=0 picks a free port.
import { startFauxqs } from 'fauxqs';

// The parent may stop reading once it has the port; that must not crash the server.
process.stdout.on('error', () => {});
const server = await startFauxqs({ port: Number(process.env.FAUXQS_PORT ?? 0), logger: false });
process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);
const stop = () => server.stop().finally(() => process.exit(0));
process.once('SIGTERM', () => void stop());
// Under `npm start` Ctrl-C reaches every process of the terminal at once; the start script stops
// fauxqs (SIGTERM) only after the apps have drained their in-flight messages against it.
if (process.env.IGNORE_SIGINT === 'true') process.on('SIGINT', () => {});
else process.once('SIGINT', () => void stop());
