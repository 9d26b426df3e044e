/**
 * fast-check's seed for one fuzz test: `FUZZ_SEED=<n>` replays a run exactly; otherwise a fresh seed. It is
 * printed either way, so a failure seen once in CI can be reproduced.
 */
export function fuzzSeed(testName: string): number {
  const given = process.env.FUZZ_SEED;
  if (given !== undefined && !/^-?\d+$/.test(given)) throw new Error(`FUZZ_SEED must be an integer, got "${given}"`);
  const seed = given === undefined ? (Date.now() ^ (Math.random() * 0x7fffffff)) | 0 : Number(given);
  process.stdout.write(`${testName}: FUZZ_SEED=${seed}\n`);
  return seed;
}
