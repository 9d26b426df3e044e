import { ConfigError } from '../../common/config';
import { loadIdentityConfig } from '../../client/authorization/identity-config';

describe('loadIdentityConfig', () => {
  it('is the local dev issuer when nothing is set', () => {
    expect(loadIdentityConfig({})).toEqual({
      issuer: 'http://localhost:8091',
      jwksUrl: 'http://localhost:8091/.well-known/jwks.json',
    });
  });

  it('takes a real provider from both variables', () => {
    expect(
      loadIdentityConfig({ AUTH_ISSUER: 'https://id.example.com/', AUTH_JWKS_URL: 'https://id.example.com/jwks' }),
    ).toEqual({ issuer: 'https://id.example.com/', jwksUrl: 'https://id.example.com/jwks' });
  });

  it.each([
    [{ AUTH_ISSUER: 'https://id.example.com/' }, /AUTH_JWKS_URL is needed when AUTH_ISSUER is set/],
    [{ AUTH_JWKS_URL: 'https://id.example.com/jwks' }, /AUTH_ISSUER is set without/],
    [{ AUTH_ISSUER: 'x', AUTH_JWKS_URL: 'ftp://keys' }, /AUTH_JWKS_URL must be an http\(s\):\/\/ or file:\/\/ URL/],
  ])('refuses %j, naming the variable', (env, message) => {
    expect(() => loadIdentityConfig(env)).toThrow(ConfigError);
    expect(() => loadIdentityConfig(env)).toThrow(message);
  });
});
