import {
  analyticsSubject,
  domainFilter,
  EVENT_CATALOG,
  mediaSubject,
  parseSubject,
  postSubject,
  presenceSubject,
  SUBJECT_EVENTS,
} from './index';

describe('subjects', () => {
  const org = '0b6f2a54-4a39-4f4e-9a53-2a4f0c4c1a11';

  it('builds one subject per domain and event', () => {
    expect(postSubject(org, 'status')).toBe(`vt.${org}.post.status`);
    expect(mediaSubject(org, 'status')).toBe(`vt.${org}.media.status`);
    expect(analyticsSubject(org, 'updated')).toBe(`vt.${org}.analytics.updated`);
    expect(presenceSubject(org, 'typing')).toBe(`vt.${org}.presence.typing`);
    expect(domainFilter('post')).toBe('vt.*.post.>');
    expect(domainFilter('media', org)).toBe(`vt.${org}.media.>`);
  });

  it('parses what it builds', () => {
    for (const [domain, events] of Object.entries(SUBJECT_EVENTS)) {
      for (const event of events) {
        expect(parseSubject(`vt.${org}.${domain}.${event}`)).toEqual({ orgId: org, domain, event });
      }
    }
  });

  it('refuses ids that would widen or shift a subject', () => {
    for (const bad of ['*', '>', 'a.b', '', 'a b']) {
      expect(() => postSubject(bad, 'created')).toThrow(/invalid organization id/);
    }
  });

  it('rejects subjects that are not ours', () => {
    for (const subject of [
      'vt.org.post',
      'vt.org.post.created.extra',
      'xx.org.post.created',
      'vt.org.unknown.created',
      'vt.org.post.exploded',
      'vt.*.post.created',
      'vt.org.toString.created',
    ]) {
      expect(parseSubject(subject)).toBeUndefined();
    }
  });

  it('has a schema for every subject event and no other', () => {
    for (const [domain, events] of Object.entries(SUBJECT_EVENTS)) {
      expect(Object.keys(EVENT_CATALOG[domain as keyof typeof EVENT_CATALOG]).sort()).toEqual(
        [...events].sort(),
      );
    }
  });
});
