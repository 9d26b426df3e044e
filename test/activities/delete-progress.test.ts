import { resumableProgress } from '../../activities/delete-progress';

/** Heartbeat details come from a workflow's history: only a well-formed Location is resumed, anything else ignored. */

describe('the deletion progress an earlier attempt heartbeated', () => {
  it.each([
    ['an absolute http Location', 'http://127.0.0.1:8112/api/v1/notification/deletions/3b0c7c1e'],
    ['an https one', 'https://orders.internal/api/v1/orders/deletions/3b0c7c1e'],
    ['a path, resolved against the base URL as polls do', '/api/v1/orders/deletions/3b0c7c1e'],
  ])('resumes %s', (_, location) => {
    expect(resumableProgress({ location })).toEqual({ location });
  });

  it('drops fields it does not know (a later version may add some)', () => {
    expect(resumableProgress({ location: '/deletions/1', polls: 7 })).toEqual({ location: '/deletions/1' });
  });

  it.each([
    ['no details (a first attempt)', undefined],
    ['null', null],
    ['a bare string', '/api/v1/orders/deletions/1'],
    ['a number', 42],
    ['an array', [{ location: '/deletions/1' }]],
    ['no location', {}],
    ['a location that is not a string', { location: 42 }],
    ['an empty location', { location: '' }],
    ['an over-long location', { location: `/deletions/${'x'.repeat(2_100)}` }],
    ['a URL that does not parse', { location: 'http://' }],
    ['another scheme', { location: 'javascript:alert(1)' }],
    ['a file URL', { location: 'file:///etc/passwd' }],
  ])('ignores %s', (_, details) => {
    expect(resumableProgress(details)).toBeUndefined();
  });
});
