import { roomProblem } from './guild-room';

describe('roomProblem', () => {
  const needs = { channels: 11, roles: 1, inCategory: 10 };

  it('lets a campaign through that fits exactly', () => {
    expect(roomProblem({ channels: 489, roles: 249 }, needs)).toBeUndefined();
  });

  it('names each limit the campaign would break, with the numbers', () => {
    expect(roomProblem({ channels: 490, roles: 10 }, needs)).toBe(
      'This server has 490 of its 500 channels; the campaign needs 11 more. Make room, then press Retry.',
    );
    expect(roomProblem({ channels: 0, roles: 250 }, needs)).toBe(
      'This server has 250 of its 250 roles; the campaign needs one more. Make room, then press Retry.',
    );
    expect(roomProblem({ channels: 0, roles: 0 }, { channels: 52, roles: 0, inCategory: 51 })).toMatch(
      /^A category holds at most 50 channels; this campaign has 51\./,
    );
  });

  it('counts only what is still missing: a retried campaign whose role exists needs no role', () => {
    expect(roomProblem({ channels: 495, roles: 250 }, { channels: 5, roles: 0, inCategory: 10 })).toBeUndefined();
  });
});
