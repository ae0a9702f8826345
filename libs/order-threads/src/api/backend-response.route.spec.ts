import 'reflect-metadata'; // the contracts' class-transformer decorators need it; Nest loads it in the apps
import { NotFoundError } from '@discord-backbone/queue';
import { BackendResponseRoute } from './backend-response.route';
import { DiscordRequestAnswerHandler } from './discord-request-answer.handler';

const ORDER = '0b6f3f3e-3c1a-4a55-9d55-2f3c8e0a1b2c';
const OTHER = '9a1c2e4f-5b6d-4e7f-8a9b-0c1d2e3f4a5b';
const REQUEST = '3f2e1d0c-4b5a-4978-8a6b-5c4d3e2f1a0b';
const THREAD = '123456789012345678';
const meta = (extra: Record<string, unknown> = {}) => ({
  discord_message_id: '123456789012345679',
  created_at: '2024-01-01T00:00:00.000Z',
  original_order_id: ORDER,
  ...extra,
});

describe('BackendResponseRoute', () => {
  let handler: { threadCreated: jest.Mock; threadFailed: jest.Mock };
  let route: BackendResponseRoute;
  const sql = { query: jest.fn(), execute: jest.fn().mockResolvedValue(1) };

  beforeEach(() => {
    handler = {
      threadCreated: jest.fn().mockResolvedValue(undefined),
      threadFailed: jest.fn().mockResolvedValue(undefined),
    };
    // Phase 4 answers go to the default handler here (this repository's discord_requests rows).
    route = new BackendResponseRoute(handler, new DiscordRequestAnswerHandler());
    sql.execute.mockClear();
  });

  it('hands a thread_created shaped as the spec shows it to the host’s handler, in the batch’s transaction', async () => {
    const response = route.decode({
      type: 'thread_created',
      payload: { thread_id: THREAD, invite_code: 'invite_code_here', success: true },
      metadata: meta(),
    });
    expect(await route.applyBatch([response], sql)).toEqual(new Map());
    expect(handler.threadCreated).toHaveBeenCalledWith(
      {
        entityId: ORDER,
        entityType: undefined,
        threadId: THREAD,
        inviteCode: 'invite_code_here',
        memberFailures: [],
        inviteError: undefined,
        discordMessageId: '123456789012345679',
        response,
      },
      sql,
    );
    expect(handler.threadFailed).not.toHaveBeenCalled();
  });

  it('passes a partial success’s member failures and invite error on', async () => {
    const failure = {
      discord_id: '223456789012345678',
      error_class: 'DiscordMissingAccessError',
      reason: 'not in the guild',
    };
    const response = route.decode({
      type: 'thread_created',
      payload: {
        thread_id: THREAD,
        invite_code: null,
        invite_error: 'Missing Permissions',
        member_failures: [failure],
        success: true,
      },
      metadata: meta({ entity_type: 'offer_session', request_type: 'create_thread' }),
    });
    await route.applyBatch([response], sql);
    expect(handler.threadCreated).toHaveBeenCalledWith(
      expect.objectContaining({
        entityType: 'offer_session',
        memberFailures: [failure],
        inviteError: 'Missing Permissions',
        inviteCode: null,
      }),
      sql,
    );
  });

  it('hands an error about the thread (no request id) to threadFailed with the error and any thread id', async () => {
    const response = route.decode({
      type: 'error',
      payload: {
        success: false,
        error_class: 'DiscordMissingPermissionsError',
        error_message: 'Missing Permissions',
        thread_id: THREAD,
      },
      metadata: meta({ discord_message_id: null, entity_type: 'order' }),
    });
    await route.applyBatch([response], sql);
    expect(handler.threadFailed).toHaveBeenCalledWith(
      {
        entityId: ORDER,
        entityType: 'order',
        errorClass: 'DiscordMissingPermissionsError',
        errorMessage: 'Missing Permissions',
        threadId: THREAD,
        response,
      },
      sql,
    );
  });

  it('rejects only the answer whose handler throws a permanent error; the others are applied', async () => {
    handler.threadCreated.mockImplementation(({ entityId }: { entityId: string }) =>
      entityId === OTHER ? Promise.reject(new NotFoundError('never asked')) : Promise.resolve(),
    );
    const answers = [ORDER, OTHER, ORDER].map((id) =>
      route.decode({
        type: 'thread_created',
        payload: { thread_id: THREAD, success: true },
        metadata: meta({ original_order_id: id }),
      }),
    );
    const rejections = await route.applyBatch(answers, sql);
    expect([...rejections.keys()]).toEqual([1]);
    expect(rejections.get(1)).toBeInstanceOf(NotFoundError);
    expect(handler.threadCreated).toHaveBeenCalledTimes(3);
  });

  it('fails the batch (to be retried) when the handler throws anything else', async () => {
    handler.threadCreated.mockRejectedValue(new Error('connection reset'));
    const response = route.decode({
      type: 'thread_created',
      payload: { thread_id: THREAD, success: true },
      metadata: meta(),
    });
    await expect(route.applyBatch([response], sql)).rejects.toThrow('connection reset');
  });

  it('keeps Phase 4 answers away from the thread handler: they complete their request row', async () => {
    const response = route.decode({
      type: 'order_status_updated',
      payload: { success: true, status: 'in_progress' },
      metadata: meta({ request_id: REQUEST, request_type: 'update_order_status' }),
    });
    expect(await route.applyBatch([response], sql)).toEqual(new Map());
    expect(handler.threadCreated).not.toHaveBeenCalled();
    expect(sql.execute).toHaveBeenCalledWith(expect.stringMatching(/^UPDATE discord_requests/), [
      REQUEST,
      ORDER,
      'done',
      null,
    ]);
  });

  it('dead-letters a Phase 4 answer for a request the reference API never made', async () => {
    sql.execute.mockResolvedValueOnce(0);
    const response = route.decode({
      type: 'user_assigned',
      payload: { success: true },
      metadata: meta({ request_id: REQUEST, request_type: 'assign_user' }),
    });
    const rejections = await route.applyBatch([response], sql);
    expect(rejections.get(0)).toEqual(new NotFoundError(`No assign_user ${REQUEST} for ${ORDER}`));
  });
});

describe('BackendResponseRoute with the host’s RequestAnswerHandler', () => {
  const threads = { threadCreated: jest.fn(), threadFailed: jest.fn() };
  const sql = { query: jest.fn(), execute: jest.fn() };
  let requests: { requestDone: jest.Mock; requestFailed: jest.Mock };
  let route: BackendResponseRoute;

  beforeEach(() => {
    requests = {
      requestDone: jest.fn().mockResolvedValue(undefined),
      requestFailed: jest.fn().mockResolvedValue(undefined),
    };
    route = new BackendResponseRoute(threads, requests);
  });

  it('hands order_status_updated, user_assigned and chat_message_forwarded to requestDone, in the batch’s transaction, touching no table of ours', async () => {
    const answers = (['order_status_updated', 'user_assigned', 'chat_message_forwarded'] as const).map((type) =>
      route.decode({
        type,
        payload: { success: true },
        metadata: meta({ request_id: REQUEST, request_type: 'update_order_status' }),
      }),
    );
    expect(await route.applyBatch(answers, sql)).toEqual(new Map());
    expect(requests.requestDone.mock.calls).toEqual(
      answers.map((response) => [
        { requestId: REQUEST, entityId: ORDER, requestType: 'update_order_status', type: response.type, response },
        sql,
      ]),
    );
    expect(sql.execute).not.toHaveBeenCalled();
    expect(threads.threadCreated).not.toHaveBeenCalled();
  });

  it('hands an error about a request to requestFailed with its class and message', async () => {
    const response = route.decode({
      type: 'error',
      payload: { success: false, error_class: 'DiscordMissingPermissionsError', error_message: 'Missing Permissions' },
      metadata: meta({ request_id: REQUEST, request_type: 'assign_user' }),
    });
    await route.applyBatch([response], sql);
    expect(requests.requestFailed).toHaveBeenCalledWith(
      {
        requestId: REQUEST,
        entityId: ORDER,
        requestType: 'assign_user',
        errorClass: 'DiscordMissingPermissionsError',
        errorMessage: 'Missing Permissions',
        response,
      },
      sql,
    );
    expect(threads.threadFailed).not.toHaveBeenCalled();
  });

  it('rejects the answer whose handler throws a permanent error, and one without a request id before any handler; anything else fails the batch', async () => {
    requests.requestDone.mockRejectedValueOnce(new NotFoundError('never asked'));
    const named = route.decode({
      type: 'order_status_updated',
      payload: { success: true },
      metadata: meta({ request_id: REQUEST, request_type: 'update_order_status' }),
    });
    const unnamed = route.decode({ type: 'user_assigned', payload: { success: true }, metadata: meta() });
    const rejections = await route.applyBatch([named, unnamed], sql);
    expect([...rejections.entries()]).toEqual([
      [0, new NotFoundError('never asked')],
      [1, new NotFoundError('A user_assigned answer without metadata.request_id cannot be correlated')],
    ]);
    expect(requests.requestDone).toHaveBeenCalledTimes(1);
    requests.requestDone.mockRejectedValueOnce(new Error('connection reset'));
    await expect(route.applyBatch([named], sql)).rejects.toThrow('connection reset');
  });
});
