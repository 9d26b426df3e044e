import { SignJWT } from 'jose';
import { mintServiceToken, TOKEN_ISSUER } from '@tenant-deletion/contract/service-token';
import type { RunningFleet } from '../../services/fleet/fleet';
import { secret, seed, startE2eFleet, uniqueTenant } from '../e2e/e2e-stack';

/** Per-audience tokens across the real fleet: a token for one service opens no other, and none lives long. */

let fleet: RunningFleet;
let tenantId: string;
beforeAll(async () => {
  fleet = await startE2eFleet();
  tenantId = uniqueTenant('tokens');
  await seed(fleet, tenantId, 1_000);
}, 120_000);
afterAll(() => fleet?.close());

async function call(baseUrl: string, token: string, method = 'GET'): Promise<number> {
  const url = method === 'GET' ? `${baseUrl}/tenant/${tenantId}/deletion-preview` : `${baseUrl}/tenant/${tenantId}`;
  return (await fetch(url, { method, headers: { authorization: `Bearer ${token}` } })).status;
}

describe('service tokens across the fleet', () => {
  it('opens only the service type it names', async () => {
    for (const issuedFor of fleet.instances) {
      const token = await mintServiceToken(secret, { audience: issuedFor.serviceType, subject: 'security-test' });
      for (const target of fleet.instances) {
        const expected = target.serviceType === issuedFor.serviceType ? 200 : 403;
        expect([issuedFor.serviceType, target.serviceInstanceId, await call(target.baseUrl, token)]).toEqual([
          issuedFor.serviceType,
          target.serviceInstanceId,
          expected,
        ]);
      }
    }
  });

  it('refuses tokens that live longer than 5 minutes, and deletes nothing for them', async () => {
    const orders = fleet.instances.find((i) => i.serviceType === 'orders')!;
    const longLived = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(TOKEN_ISSUER)
      .setAudience('orders')
      .setSubject('security-test')
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(secret));
    expect(await call(orders.baseUrl, longLived, 'DELETE')).toBe(401);
    const token = await mintServiceToken(secret, { audience: 'orders', subject: 'security-test' });
    const preview = await fetch(`${orders.baseUrl}/tenant/${tenantId}/deletion-preview`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(((await preview.json()) as { total: number }).total).toBeGreaterThan(0);
    await expect(mintServiceToken(secret, { audience: 'orders', subject: 'x', lifetimeSeconds: 301 })).rejects.toThrow(
      /lifetime must be 1-300 s/,
    );
  });
});
