import { AT_RISK_DAYS, atRiskFrom, deadlineStanding, gdprDueAt } from '../../common/gdpr-deadline';

describe('gdprDueAt: one month after the request (Art. 12(3), Regulation 1182/71)', () => {
  it.each([
    ['2026-02-11T12:00:00.000Z', '2026-03-11T12:00:00.000Z'],
    ['2026-12-15T08:30:00.000Z', '2027-01-15T08:30:00.000Z'],
    // No 31 February: the month ends on its last day.
    ['2026-01-31T23:00:00.000Z', '2026-02-28T23:00:00.000Z'],
    ['2028-01-30T00:00:00.000Z', '2028-02-29T00:00:00.000Z'],
    ['2026-03-31T10:00:00.000Z', '2026-04-30T10:00:00.000Z'],
  ])('%s is due %s', (requestedAt, dueAt) => {
    expect(gdprDueAt(new Date(requestedAt)).toISOString()).toBe(dueAt);
  });

  it('counts from the instant given, whatever zone the request was written in', () => {
    expect(gdprDueAt(new Date('2026-05-01T01:00:00+02:00')).toISOString()).toBe('2026-05-30T23:00:00.000Z');
  });
});

describe('deadlineStanding', () => {
  const due = new Date('2026-12-20T00:00:00Z');

  it('is OVERDUE from the due instant on', () => {
    expect(deadlineStanding(due, new Date('2026-12-20T00:00:00Z'))).toBe('OVERDUE');
    expect(deadlineStanding(due, new Date('2027-01-02T00:00:00Z'))).toBe('OVERDUE');
  });

  it(`is AT_RISK within ${AT_RISK_DAYS} days of it, ON_TIME before`, () => {
    expect(deadlineStanding(due, new Date('2026-12-13T00:00:00Z'))).toBe('AT_RISK');
    expect(deadlineStanding(due, new Date('2026-12-19T23:59:59Z'))).toBe('AT_RISK');
    expect(deadlineStanding(due, new Date('2026-12-12T23:59:59Z'))).toBe('ON_TIME');
  });

  it('atRiskFrom is the bound --overdue queries: due before it means at risk or overdue', () => {
    const now = new Date('2026-12-13T00:00:00Z');
    expect(atRiskFrom(now).toISOString()).toBe('2026-12-20T00:00:00.000Z');
  });
});
