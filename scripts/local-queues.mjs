// `npm run local:queues`: the system's queues and their DLQs alone, on the SQS endpoint of
// AWS_ENDPOINT_URL_SQS, else on the local one (fauxqs on FAUXQS_PORT, 4566): the one npm start
// runs, or one started here and kept until Ctrl-C. Creating is idempotent. Prints the settings the
// apps read (KEY=value), for apps started by hand (e.g. `npm run start:worker` replicas).
import { createLocalQueues, localSqsClient, startFauxqs } from './local-services.mjs';

const endpoint = process.env.AWS_ENDPOINT_URL_SQS ?? `http://127.0.0.1:${process.env.FAUXQS_PORT ?? 4566}`;
const answers = await fetch(endpoint).then(
  () => true,
  () => false,
);
let fauxqs;
if (!answers && !process.env.AWS_ENDPOINT_URL_SQS)
  fauxqs = await startFauxqs({ port: Number(process.env.FAUXQS_PORT ?? 4566) });
else if (!answers) {
  console.error(`Nothing answers at AWS_ENDPOINT_URL_SQS=${endpoint}`);
  process.exit(1);
}
const sqs = await localSqsClient(endpoint, process.env.AWS_REGION ?? 'us-east-1');
const queues = await createLocalQueues(sqs);
sqs.destroy();
const credentials = process.env.AWS_ACCESS_KEY_ID
  ? {}
  : { AWS_REGION: process.env.AWS_REGION ?? 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' };
console.log(
  Object.entries({ ...credentials, AWS_ENDPOINT_URL_SQS: endpoint, ...queues })
    .map(([key, value]) => `${key}=${value}`)
    .join('\n'),
);
if (fauxqs) {
  console.error(`fauxqs started on ${endpoint}; it runs until Ctrl-C`);
  const stop = () => fauxqs.process.kill('SIGTERM');
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
