import { dropDatabase } from '../../scripts/local-services.mjs';

export default async function globalTeardown() {
  globalThis.__FAUXQS__?.kill('SIGTERM');
  if (process.env.TEST_DATABASE_URL) await dropDatabase(process.env.TEST_DATABASE_URL);
}
