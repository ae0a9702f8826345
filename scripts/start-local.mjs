// `npm start`: the whole system on this machine with embedded defaults — Postgres database
// created and migrated, a fauxqs SQS endpoint with the prize queue and its DLQ (unless
// AWS_SQS_QUEUE_URL points elsewhere), then the API (:3000) and the worker (:3001).
// Ctrl-C / SIGTERM stops everything gracefully.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createQueuePair, prepareDatabase, ROOT, startFauxqs } from './local-services.mjs';

const env = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/discord_queue_backbone',
  ...process.env,
};
const apps = [];
let fauxqsProcess;
const log = (msg, extra = {}) => console.log(JSON.stringify({ level: 30, time: Date.now(), name: 'start-local', msg, ...extra }));

async function main() {
  await prepareDatabase(env.DATABASE_URL);
  log('Database ready (migrations applied)', { database: new URL(env.DATABASE_URL).pathname.slice(1) });

  if (!env.AWS_SQS_QUEUE_URL) {
    const fauxqs = await startFauxqs({ port: Number(env.FAUXQS_PORT ?? 4566) });
    fauxqsProcess = fauxqs.process;
    const sqs = new SQSClient({
      region: env.AWS_REGION,
      endpoint: fauxqs.endpoint,
      useQueueUrlAsEndpoint: false,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
    });
    const { queueUrl, dlqUrl } = await createQueuePair(sqs, 'prize-distribution', { maxReceiveCount: 3, visibilityTimeout: 30 });
    sqs.destroy();
    Object.assign(env, { AWS_ENDPOINT_URL_SQS: fauxqs.endpoint, AWS_SQS_QUEUE_URL: queueUrl, AWS_SQS_DLQ_URL: dlqUrl });
    log('Local SQS endpoint (fauxqs) ready', { endpoint: fauxqs.endpoint, queueUrl, dlqUrl });
  }

  for (const [app, port] of [['api', env.API_PORT ?? '3000'], ['worker', env.WORKER_PORT ?? '3001']]) {
    const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'apps', app, 'src', 'main.js')], {
      env: { ...env, PORT: port, OTEL_SERVICE_NAME: app },
      stdio: 'inherit',
    });
    child.once('exit', (code, signal) => {
      if (!stopping) {
        log(`${app} exited unexpectedly`, { code, signal });
        void stop(1);
      }
    });
    apps.push(child);
  }
  log('Started', { api: `http://127.0.0.1:${env.API_PORT ?? 3000}`, worker: `http://127.0.0.1:${env.WORKER_PORT ?? 3001}/health/ready` });
}

let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  // Apps first (they drain their in-flight messages), the SQS endpoint last.
  await Promise.all(apps.map((c) => new Promise((r) => (c.exitCode !== null ? r() : (c.once('exit', r), c.kill('SIGTERM'))))));
  fauxqsProcess?.kill('SIGTERM');
  process.exit(code);
}

process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
main().catch((error) => {
  console.error(error);
  void stop(1);
});
