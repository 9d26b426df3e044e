import { ConfigError } from '../common/config';

/** The ConfigError `build` throws; fails the test when it throws nothing, or anything else. */
export function configError(build: () => unknown): ConfigError {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}
