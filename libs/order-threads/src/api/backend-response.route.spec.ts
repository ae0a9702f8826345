import 'reflect-metadata'; // the contracts' class-transformer decorators need it; Nest loads it in the apps
import { NotFoundError } from '@discord-backbone/queue';
import { BackendResponseRoute } from './backend-response.route';

const ORDER = '0b6f3f3e-3c1a-4a55-9d55-2f3c8e0a1b2c';
const OTHER = '9a1c2e4f-5b6d-4e7f-8a9b-0c1d2e3f4a5b';
const REQUEST = '3f2e1d0c-4b5a-4978-8a6b-5c4d3e2f1a0b';
const THREAD = '123456789012345678';
const meta = (extra: Record<string, unknown> = {}) => ({ discord_message_id: '123456789012345679', created_at: '2024-01-01T00:00:00.000Z', original_order_id: ORDER, ...extra });

describe('BackendResponseRoute', () => {
  let handler: { threadCreated: jest.Mock; threadFailed: jest.Mock };
  let route: BackendResponseRoute;
  const sql = { query: jest.fn(), execute: jest.fn().mockResolvedValue(1) };

  beforeEach(() => {
    handler = { threadCreated: jest.fn().mockResolvedValue(undefined), threadFailed: jest.fn().mockResolvedValue(undefined) };
    route = new BackendResponseRoute(handler);
    sql.execute.mockClear();
  });

  it('hands a thread_created shaped as the spec shows it to the host’s handler, in the batch’s transaction', async () => {
    const response = route.decode({ type: 'thread_created', payload: { thread_id: THREAD, invite_code: 'invite_code_here', success: true }, metadata: meta() });
    expect(await route.applyBatch([response], sql)).toEqual(new Map());
    expect(handler.threadCreated).toHaveBeenCalledWith(
      { entityId: ORDER, entityType: undefined, threadId: THREAD, inviteCode: 'invite_code_here', memberFailures: [], inviteError: undefined, discordMessageId: '123456789012345679', response },
      sql,
    );
    expect(handler.threadFailed).not.toHaveBeenCalled();
  });

  it('passes a partial success’s member failures and invite error on', async () => {
    const failure = { discord_id: '223456789012345678', error_class: 'DiscordMissingAccessError', reason: 'not in the guild' };
    const response = route.decode({
      type: 'thread_created',
      payload: { thread_id: THREAD, invite_code: null, invite_error: 'Missing Permissions', member_failures: [failure], success: true },
      metadata: meta({ entity_type: 'offer_session', request_type: 'create_thread' }),
    });
    await route.applyBatch([response], sql);
    expect(handler.threadCreated).toHaveBeenCalledWith(expect.objectContaining({ entityType: 'offer_session', memberFailures: [failure], inviteError: 'Missing Permissions', inviteCode: null }), sql);
  });

  it('hands an error about the thread (no request id) to threadFailed with the error and any thread id', async () => {
    const response = route.decode({
      type: 'error',
      payload: { success: false, error_class: 'DiscordMissingPermissionsError', error_message: 'Missing Permissions', thread_id: THREAD },
      metadata: meta({ discord_message_id: null, entity_type: 'order' }),
    });
    await route.applyBatch([response], sql);
    expect(handler.threadFailed).toHaveBeenCalledWith(
      { entityId: ORDER, entityType: 'order', errorClass: 'DiscordMissingPermissionsError', errorMessage: 'Missing Permissions', threadId: THREAD, response },
      sql,
    );
  });

  it('rejects only the answer whose handler throws a permanent error; the others are applied', async () => {
    handler.threadCreated.mockImplementation(({ entityId }: { entityId: string }) => (entityId === OTHER ? Promise.reject(new NotFoundError('never asked')) : Promise.resolve()));
    const answers = [ORDER, OTHER, ORDER].map((id) => route.decode({ type: 'thread_created', payload: { thread_id: THREAD, success: true }, metadata: meta({ original_order_id: id }) }));
    const rejections = await route.applyBatch(answers, sql);
    expect([...rejections.keys()]).toEqual([1]);
    expect(rejections.get(1)).toBeInstanceOf(NotFoundError);
    expect(handler.threadCreated).toHaveBeenCalledTimes(3);
  });

  it('fails the batch (to be retried) when the handler throws anything else', async () => {
    handler.threadCreated.mockRejectedValue(new Error('connection reset'));
    const response = route.decode({ type: 'thread_created', payload: { thread_id: THREAD, success: true }, metadata: meta() });
    await expect(route.applyBatch([response], sql)).rejects.toThrow('connection reset');
  });

  it('keeps Phase 4 answers away from the thread handler: they complete their request row', async () => {
    const response = route.decode({ type: 'order_status_updated', payload: { success: true, status: 'in_progress' }, metadata: meta({ request_id: REQUEST, request_type: 'update_order_status' }) });
    expect(await route.applyBatch([response], sql)).toEqual(new Map());
    expect(handler.threadCreated).not.toHaveBeenCalled();
    expect(sql.execute).toHaveBeenCalledWith(expect.stringMatching(/^UPDATE discord_requests/), [REQUEST, ORDER, 'done', null]);
  });
});
