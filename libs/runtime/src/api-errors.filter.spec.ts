import { ArgumentsHost } from '@nestjs/common';
import { discordHttpAnswer, DiscordNotConfiguredError, DiscordRateLimitedError } from '@discord-backbone/discord';
import { Prisma } from '@discord-backbone/prisma';
import { ApiErrorsFilter } from './api-errors.filter';

const prismaError = (code: string, meta: Record<string, unknown> = {}) =>
  new Prisma.PrismaClientKnownRequestError(
    `\nInvalid \`prisma.x()\` invocation in\n/src/file.ts:1:1\n\nfailed (${code})`,
    { code, clientVersion: '6', meta },
  );

function answer(error: unknown) {
  const response = { headers: {} as Record<string, string>, statusCode: 0, body: undefined as unknown };
  // The answer goes through the app's HTTP adapter, whichever it is.
  const adapter = {
    setHeader: (res: typeof response, k: string, v: string) => (res.headers[k] = v),
    reply: (res: typeof response, body: unknown, status: number) => ((res.statusCode = status), (res.body = body)),
  };
  const host = {
    getType: () => 'http',
    switchToHttp: () => ({ getResponse: () => response }),
  } as unknown as ArgumentsHost;
  // Constructed as the API app does: Discord's errors answered by Discord's answerer.
  new ApiErrorsFilter(adapter as unknown as ConstructorParameters<typeof ApiErrorsFilter>[0], [
    discordHttpAnswer,
  ]).catch(error, host);
  return response;
}

describe('ApiErrorsFilter', () => {
  it('turns a busy or unreachable database into 503 with Retry-After, never the Prisma text', () => {
    for (const code of ['P2024', 'P2028', 'P1001']) {
      const res = answer(prismaError(code));
      expect(res).toMatchObject({
        statusCode: 503,
        headers: { 'Retry-After': '5' },
        body: { message: 'The database is unavailable or busy; try again shortly' },
      });
      expect(JSON.stringify(res.body)).not.toContain('/src/file.ts');
    }
  });

  it('turns constraint violations into 409 and 404 naming the field', () => {
    expect(answer(prismaError('P2002'))).toMatchObject({ statusCode: 409 });
    const fk = prismaError('P2003', {
      driverAdapterError: { cause: { constraint: { index: 'orders_customer_id_fkey' } } },
    });
    expect(answer(fk)).toMatchObject({
      statusCode: 404,
      body: { message: 'A referenced record does not exist (customerId)' },
    });
    expect(answer(prismaError('P2025'))).toMatchObject({ statusCode: 404 });
  });

  it('answers 503 when Discord cannot be asked (through the answerer the app passes), with its retry-after', () => {
    expect(answer(new DiscordNotConfiguredError('x'))).toMatchObject({ statusCode: 503 });
    expect(answer(new DiscordRateLimitedError('limited', 7.2, 'user', false))).toMatchObject({
      statusCode: 503,
      headers: { 'Retry-After': '8' },
    });
  });
});
