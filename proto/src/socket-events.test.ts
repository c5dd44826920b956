import { CLIENT_EVENTS, parseRoom, rooms, SERVER_EVENTS } from './index';

describe('socket events', () => {
  it('uses the spec names', () => {
    expect(Object.values(SERVER_EVENTS)).toEqual(
      expect.arrayContaining(['post-created', 'post-status-update', 'user-typing', 'user-stopped-typing']),
    );
    expect(Object.values(CLIENT_EVENTS)).toEqual(
      expect.arrayContaining(['join-room', 'subscribe-analytics-updates', 'typing-start', 'ping']),
    );
  });

  it('builds and parses rooms', () => {
    expect(rooms.org('o1')).toBe('org:o1');
    expect(rooms.user('u1')).toBe('user:u1');
    expect(rooms.post('p1')).toBe('post:p1');
    expect(rooms.analytics('o1')).toBe('analytics:o1');
    expect(parseRoom('post:p1')).toEqual({ kind: 'post', id: 'p1' });
    expect(parseRoom('post:')).toBeUndefined();
    expect(parseRoom('admin:x')).toBeUndefined();
    expect(parseRoom('nocolon')).toBeUndefined();
  });
});
