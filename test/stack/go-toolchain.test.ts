import { atLeast, parseGoVersion, toolchainPlan } from '../../scripts/stack/go-toolchain';

describe('the Go that builds the Temporal CLI', () => {
  it('reads the version `go version` prints, with or without a patch number', () => {
    expect(parseGoVersion('go version go1.19.8 linux/amd64')).toEqual([1, 19, 8]);
    expect(parseGoVersion('go version go1.25 darwin/arm64')).toEqual([1, 25, 0]);
    expect(parseGoVersion('bash: go: command not found')).toBeUndefined();
  });

  it('compares versions part by part, not as text', () => {
    expect(atLeast([1, 100, 0], [1, 25, 0])).toBe(true);
    expect(atLeast([1, 25, 0], [1, 25, 0])).toBe(true);
    expect(atLeast([1, 24, 9], [1, 25, 0])).toBe(false);
  });

  it('uses a new enough Go as is, lets Go 1.21+ switch toolchains, and downloads one for older Go', () => {
    const needed: [number, number, number] = [1, 25, 0];
    expect(toolchainPlan([1, 26, 8], needed)).toBe('local');
    expect(toolchainPlan([1, 22, 2], needed)).toBe('switch');
    // Debian 12's golang-go.
    expect(toolchainPlan([1, 19, 8], needed)).toBe('download');
    expect(toolchainPlan(undefined, needed)).toBe('missing');
  });
});
