import { classFilter, countByClass } from './error-class';

describe('error classes', () => {
  it('matches a class exactly, a prefix with a trailing *, or everything', () => {
    expect(
      ['CommunityNotFoundError', 'RetriesExhausted:TimeoutError', 'RetriesExhausted:DiscordServerError', 'none'].filter(
        classFilter('RetriesExhausted:*'),
      ),
    ).toEqual(['RetriesExhausted:TimeoutError', 'RetriesExhausted:DiscordServerError']);
    expect(classFilter('CommunityNotFoundError')('CommunityNotFoundErrorX')).toBe(false);
    expect(classFilter(undefined)('anything')).toBe(true);
  });

  it('counts by class, largest first', () => {
    expect(countByClass(['B', 'A', 'B', 'C', 'A', 'B'])).toEqual([
      ['B', 3],
      ['A', 2],
      ['C', 1],
    ]);
  });
});
