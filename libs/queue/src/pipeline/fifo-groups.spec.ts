import { groupInOrder, runInOrder } from './fifo-groups';

describe('groupInOrder', () => {
  it('keeps receive order within each group, groups in order of first appearance', () => {
    const received = ['a1', 'b1', 'a2', 'c1', 'b2', 'a3'];
    expect(groupInOrder(received, (m) => m[0])).toEqual([['a1', 'a2', 'a3'], ['b1', 'b2'], ['c1']]);
  });
});

describe('runInOrder', () => {
  it('runs every message when none waits', async () => {
    const ran: string[] = [];
    expect(await runInOrder(['x', 'y', 'z'], (m) => Promise.resolve((ran.push(m), 'next' as const)))).toEqual([]);
    expect(ran).toEqual(['x', 'y', 'z']);
  });

  it('stops at a message that must wait and hands back the later ones, in order, unrun', async () => {
    const ran: string[] = [];
    const handedBack = await runInOrder(['invite', 'remove', 'invite-again'], (m) => {
      ran.push(m);
      return Promise.resolve(m === 'invite' ? 'wait' : 'next');
    });
    expect(ran).toEqual(['invite']);
    expect(handedBack).toEqual(['remove', 'invite-again']);
  });
});
