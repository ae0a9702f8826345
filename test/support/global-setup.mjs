// One Postgres database (migrated) and one fauxqs process per test run; tests create their own
// uniquely named queues and truncate tables, so runs never see each other's data.
import { randomBytes } from 'node:crypto';
import { prepareDatabase, startFauxqs } from '../../scripts/local-services.mjs';

export default async function globalSetup() {
  const base = process.env.TEST_DATABASE_BASE_URL ?? 'postgresql://postgres@127.0.0.1:5432';
  const databaseUrl = `${base}/dqb_test_${process.pid}_${randomBytes(3).toString('hex')}`;
  await prepareDatabase(databaseUrl, { recreate: true });
  const fauxqs = await startFauxqs();
  globalThis.__FAUXQS__ = fauxqs.process;
  Object.assign(process.env, {
    TEST_DATABASE_URL: databaseUrl,
    TEST_SQS_ENDPOINT: fauxqs.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
  });
}
