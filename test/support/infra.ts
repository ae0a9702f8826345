import { SQSClient } from '@aws-sdk/client-sqs';
import { PrismaClient } from '@discord-backbone/prisma';
import { resetDatabase, testPrisma } from './database';
import { testSqsClient } from './sqs';

/**
 * The real Postgres and SQS endpoint for one test file: clients closed after the file,
 * tables emptied before each test. (The global set-up has provided both endpoints.)
 */
export function useTestInfra(): { sqs: SQSClient; prisma: PrismaClient } {
  const sqs = testSqsClient();
  const prisma = testPrisma();
  beforeEach(() => resetDatabase(prisma));
  afterAll(async () => {
    await prisma.$disconnect();
    sqs.destroy();
  });
  return { sqs, prisma };
}
