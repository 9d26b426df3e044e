import { isDatabaseUnavailable } from '../../services/registry/api-errors';

describe('isDatabaseUnavailable', () => {
  it.each(['08006', '08001', '57P01', '57P03', 'ECONNREFUSED', 'ECONNRESET'])('treats %s as retryable', (code) => {
    expect(isDatabaseUnavailable({ code })).toBe(true);
  });

  it.each(['23514', '42P01', '22P02', undefined])('treats %s as a real failure', (code) => {
    expect(isDatabaseUnavailable({ code })).toBe(false);
  });
});
