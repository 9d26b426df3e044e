import { jobPollPreferHeader, preferredWaitSeconds } from '@tenant-deletion/contract';

describe('Prefer: wait on job polls', () => {
  it.each([
    ['wait=10', 10],
    ['respond-async, wait=5', 5],
    ['WAIT = "7"', 7],
    ['wait=3; foo=bar', 3],
    [['handling=lenient', 'wait=2'], 2],
  ])('reads %j as %i seconds', (header, seconds) => {
    expect(preferredWaitSeconds(header)).toBe(seconds);
  });

  it.each([[undefined], [''], ['respond-async'], ['wait=-1'], ['wait=soon'], ['wait=1234567'], ['nowait=5']])(
    'reads %j as no wait',
    (header) => {
      expect(preferredWaitSeconds(header)).toBe(0);
    },
  );

  it('is what the orchestrator sends on its polls', () => {
    expect(preferredWaitSeconds(jobPollPreferHeader.Prefer)).toBe(10);
  });
});
