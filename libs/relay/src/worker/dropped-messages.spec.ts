import { DroppedMessages } from './dropped-messages';

const done = { capped: [], failed: [] };

describe('DroppedMessages', () => {
  it('starts a channel just before the oldest message dropped there', () => {
    const dropped = new DroppedMessages();
    dropped.add('C', '200', false);
    dropped.add('C', '100', false);
    dropped.add('C', '300', false);
    expect(dropped.snapshot().get('C')).toEqual({ after: 99n, isDm: false });
  });

  it('forgets a channel the backfill fetched to the end', () => {
    const dropped = new DroppedMessages();
    dropped.add('C', '100', false);
    expect(dropped.forget(dropped.snapshot(), done)).toBe(false);
    expect(dropped.size).toBe(0);
  });

  it('keeps a channel where newer messages were dropped while its backfill ran, and asks for another backfill', () => {
    const dropped = new DroppedMessages();
    dropped.add('C', '100', false);
    const snapshot = dropped.snapshot();
    // The backfill has passed C; Postgres is slow, the buffer still full: a newer message is dropped.
    dropped.add('C', '500', false);
    expect(dropped.forget(snapshot, done)).toBe(true);
    expect(dropped.snapshot().get('C')).toEqual({ after: 99n, isDm: false });
  });

  it('moves a channel stopped at the cap to the last message fetched, and asks for another backfill', () => {
    const dropped = new DroppedMessages();
    dropped.add('C', '100', true);
    dropped.add('D', '100', false);
    expect(dropped.forget(dropped.snapshot(), { capped: [{ channelId: 'C', lastFetchedId: '350' }], failed: [] })).toBe(
      true,
    );
    expect([...dropped.snapshot()]).toEqual([['C', { after: 350n, isDm: true }]]);
  });

  it('keeps a failed channel for the next trigger without asking for a backfill now', () => {
    const dropped = new DroppedMessages();
    dropped.add('C', '100', false);
    expect(dropped.forget(dropped.snapshot(), { capped: [], failed: ['C'] })).toBe(false);
    expect(dropped.channels).toEqual(['C']);
  });
});
