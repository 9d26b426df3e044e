import { rolledUpStatus } from '../../client/api/request-ledger';

const rows = (...statuses: string[]) =>
  statuses.map((status) => ({ status }) as Parameters<typeof rolledUpStatus>[0][0]);

describe("a request's status rolled up from its ledger rows", () => {
  it.each([
    [['COMPLETED', 'COMPLETED'], 'COMPLETED'],
    [['PENDING', 'PENDING'], 'PENDING'],
    [['PENDING', 'COMPLETED'], 'IN_PROGRESS'],
    [['COMPLETED', 'IN_PROGRESS'], 'IN_PROGRESS'],
    [['COMPLETED', 'FAILED', 'CANCELLED'], 'FAILED'],
    [['COMPLETED', 'CANCELLED'], 'CANCELLED'],
    [['REJECTED', 'COMPLETED'], 'REJECTED'],
    [[], 'PENDING'],
  ])('%j is %s', (statuses, expected) => {
    expect(rolledUpStatus(rows(...statuses))).toBe(expected);
  });
});
