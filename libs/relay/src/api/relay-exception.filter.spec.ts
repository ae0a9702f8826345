import { ArgumentsHost, HttpServer, Logger, UnauthorizedException } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { RelayRequest } from './relay-backend.guard';
import { RelayExceptionFilter } from './relay-exception.filter';

function answer(error: unknown, request: Partial<RelayRequest>) {
  const response = { headers: {} as Record<string, string>, status: 0, body: undefined as unknown };
  const adapter = {
    setHeader: (res: typeof response, name: string, value: string) => (res.headers[name] = value),
    reply: (res: typeof response, body: unknown, status: number) => ((res.status = status), (res.body = body)),
  } as unknown as HttpServer;
  const host = {
    switchToHttp: () => ({
      getRequest: () => ({ method: 'POST', url: '/v1/messages/lease', ...request }),
      getResponse: () => response,
    }),
  } as unknown as ArgumentsHost;
  new RelayExceptionFilter({ httpAdapter: adapter } as HttpAdapterHost).catch(error, host);
  return response;
}

describe('RelayExceptionFilter', () => {
  beforeAll(() => {
    Logger.overrideLogger(false); // the 500 is logged; not this test's concern
  });

  it('answers in the relay shape with the id the request was given', () => {
    const res = answer(new UnauthorizedException('Invalid key'), { headers: {}, requestId: 'given-1' });
    expect(res).toEqual({
      status: 401,
      headers: {},
      body: { error: 'unauthorized', message: 'Invalid key', request_id: 'given-1' },
    });
  });

  it('gives an id to an error thrown before the relay guards ran (a host’s global guard), the client’s when plain', () => {
    const fromClient = answer(new UnauthorizedException('x'), { headers: { 'x-request-id': 'abc-123' } });
    expect(fromClient.headers).toEqual({ 'X-Request-Id': 'abc-123' });
    expect(fromClient.body).toMatchObject({ request_id: 'abc-123' });

    const made = answer(new Error('boom'), { headers: { 'x-request-id': 'not plain!' } });
    expect(made.headers['X-Request-Id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(made).toMatchObject({
      status: 500,
      body: { error: 'internal_error', request_id: made.headers['X-Request-Id'] },
    });
  });
});
