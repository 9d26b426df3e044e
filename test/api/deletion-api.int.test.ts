import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { DeletionCertificate } from '@tenant-deletion/contract';
import { deletionHandle, readResult } from '@tenant-deletion/client';
import type {
  ControlAnswer,
  DeletionAccepted,
  RequestStatusAnswer,
  TenantDeletionStatus,
} from '../../client/api/api-schemas';
import type { RunningFleet } from '../../services/fleet/fleet';
import { seed, startE2eFleet, startWorkers, temporalClient, uniqueTenant } from '../e2e/e2e-stack';
import { until } from '../until';
import { apiCall, bearer, devIssuerKey, setMember, startTestApi, type TestApi } from './api-harness';
import { hs256Token, signedToken, strangerKey, tampered, unsigned } from './api-tokens';

/**
 * The deletion API on the real local stack: Temporal, Postgres, the development identity issuer (JWKS on 8091), the
 * real fleet and registry (members and roles) and the real workers. Who may do what: 401 for every bad token, 403
 * for a subject without the right, 404 for an unknown tenant, 202 for owners, admins and operators; four eyes on
 * approve; and an owner's deletion followed to COMPLETED through the API, its certificate naming the owner.
 */

const APPROVAL_THRESHOLD = 1_500;
let fleet: RunningFleet;
let workers: Awaited<ReturnType<typeof startWorkers>>;
let temporal: Awaited<ReturnType<typeof temporalClient>>;
let api: TestApi;

const run = randomUUID().slice(0, 8);
const people = {
  owner: `owner-${run}`,
  admin: `admin-${run}`,
  member: `member-${run}`,
  otherAdmin: `other-admin-${run}`,
  operator: `operator-${run}`,
  secondOperator: `operator2-${run}`,
  stranger: `stranger-${run}`,
  system: `billing-${run}`,
};
const tenant = uniqueTenant('api');
const otherTenant = uniqueTenant('api-other');
const heldTenant = uniqueTenant('api-held');
const unknownTenant = uniqueTenant('api-unknown');

beforeAll(async () => {
  fleet = await startE2eFleet();
  workers = await startWorkers(fleet, undefined, { approvalThresholdRecords: APPROVAL_THRESHOLD });
  temporal = await temporalClient();
  api = await startTestApi({ registryUrl: fleet.registryUrl });
  await seed(fleet, tenant, 300);
  await seed(fleet, otherTenant, 100);
  await seed(fleet, heldTenant, 3_000);
  await setMember(fleet.registryUrl, tenant, people.owner, 'owner');
  await setMember(fleet.registryUrl, tenant, people.admin, 'admin');
  await setMember(fleet.registryUrl, tenant, people.member, 'member');
  await setMember(fleet.registryUrl, otherTenant, people.otherAdmin, 'admin');
  await setMember(fleet.registryUrl, heldTenant, people.admin, 'admin');
}, 240_000);
afterAll(async () => {
  await api?.close();
  await workers?.stop();
  await temporal?.close();
  await fleet?.close();
});

async function hasWorkflow(tenantId: string): Promise<boolean> {
  try {
    await deletionHandle(temporal.client, tenantId).describe();
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}

/** Reads until `done` holds; the last answer. */
async function readUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  let last: T | undefined;
  await until(async () => done((last = await read())), what, 90_000);
  return last!;
}

const deleteTenant = (tenantId: string, authorization: string | undefined, body?: unknown) =>
  apiCall<DeletionAccepted>(api, 'DELETE', `/api/v1/tenants/${tenantId}`, authorization, { body });

describe('the deletion API refuses', () => {
  it('every bad token with 401 and its reason, and starts nothing', async () => {
    const key = await devIssuerKey();
    const valid = await signedToken(key, { subject: people.operator, roles: ['operator'] });
    const cases: [string, string | undefined, string][] = [
      ['no token', undefined, 'missing bearer token'],
      ['expired', `Bearer ${await signedToken(key, { subject: people.owner, expiresIn: -120 })}`, 'token expired'],
      [
        'wrong audience',
        `Bearer ${await signedToken(key, { subject: people.owner, audience: 'tenant-registry' })}`,
        'token is not for tenant-deletion-api',
      ],
      ['tampered signature', `Bearer ${tampered(valid, people.owner)}`, 'token signature invalid'],
      ['alg none', `Bearer ${unsigned(valid)}`, 'none tokens are refused'],
      ['HS256', `Bearer ${await hs256Token(key.issuer, people.operator)}`, 'HS256 tokens are refused'],
      [
        'a stranger key',
        `Bearer ${await signedToken({ ...strangerKey(key.issuer), kid: key.kid }, { subject: people.operator, roles: ['operator'] })}`,
        'token',
      ],
    ];
    for (const [name, authorization, reason] of cases) {
      const answer = await deleteTenant(tenant, authorization);
      expect([name, answer.status, answer.body.error?.code]).toEqual([name, 401, 'UNAUTHENTICATED']);
      expect([name, answer.body.error?.message]).toEqual([name, expect.stringContaining(reason)]);
    }
    expect(await hasWorkflow(tenant)).toBe(false);
  });

  it("a member, another tenant's admin, a stranger and a Kafka-only system with 403 and their standing", async () => {
    const cases: [string, string, RegExp][] = [
      ['member', await bearer(people.member), /is a member of the tenant, not its owner or admin/],
      ["another tenant's admin", await bearer(people.otherAdmin), /is not a member of the tenant/],
      ['stranger', await bearer(people.stranger), /is not a member of the tenant and has no operator role/],
      ['deletion-requester', await bearer(people.system, ['deletion-requester']), /through Kafka only/],
    ];
    for (const [name, authorization, reason] of cases) {
      const answer = await deleteTenant(tenant, authorization);
      expect([name, answer.status, answer.body.error?.code]).toEqual([name, 403, 'FORBIDDEN']);
      expect(answer.body.error?.message).toMatch(reason);
      const instances = await apiCall(api, 'POST', `/api/v1/tenants/${tenant}/deletions`, authorization, {
        body: { instances: ['forecasting-1'] },
      });
      expect([name, instances.status]).toEqual([name, 403]);
      const status = await apiCall(api, 'GET', `/api/v1/tenants/${tenant}/deletion`, authorization);
      expect([name, status.status]).toEqual([name, 403]);
    }
    expect(await hasWorkflow(tenant)).toBe(false);
  });

  it('an unknown tenant with 404, for a stranger and an operator alike', async () => {
    for (const authorization of [await bearer(people.stranger), await bearer(people.operator, ['operator'])]) {
      const answer = await deleteTenant(unknownTenant, authorization);
      expect([answer.status, answer.body.error?.code]).toEqual([404, 'TENANT_NOT_FOUND']);
      const status = await apiCall(api, 'GET', `/api/v1/tenants/${unknownTenant}/deletion`, authorization);
      expect([status.status, status.body.error?.code]).toEqual([404, 'TENANT_NOT_FOUND']);
    }
    expect(await hasWorkflow(unknownTenant)).toBe(false);
  });

  it('a malformed body with 400, naming the field, and starts nothing', async () => {
    const owner = await bearer(people.owner);
    const typo = await deleteTenant(tenant, owner, { dryrun: true });
    expect([typo.status, typo.body.error?.code]).toEqual([400, 'INVALID_REQUEST']);
    expect(typo.body.error?.message).toContain('dryrun');
    const smuggled = await deleteTenant(tenant, owner, { requestedBy: people.operator });
    expect(smuggled.status).toBe(400);
    expect(await hasWorkflow(tenant)).toBe(false);
  });
});

describe('the deletion API accepts', () => {
  it('an operator on any tenant, and an admin; a retried POST with the same Idempotency-Key is the same request', async () => {
    const operator = await deleteTenant(otherTenant, await bearer(people.operator, ['operator']), { dryRun: true });
    expect(operator.status).toBe(202);
    const admin = await bearer(people.admin);
    const post = () =>
      apiCall<DeletionAccepted>(api, 'POST', `/api/v1/tenants/${tenant}/deletions`, admin, {
        body: { instances: ['forecasting-1'], dryRun: true },
        headers: { 'idempotency-key': `key-${run}`, 'x-trace-id': `trace-${run}` },
      });
    const first = await post();
    expect(first).toEqual({
      status: 202,
      body: {
        requestId: expect.stringMatching(new RegExp(`^api-.*:${tenant}$`)),
        workflowId: `tenant-deletion:${tenant}`,
        status: `/api/v1/tenants/${tenant}/deletion`,
        request: `/api/v1/deletions/${first.body.requestId}`,
        traceId: `trace-${run}`,
      },
    });
    expect((await post()).body.requestId).toBe(first.body.requestId);
    const done = await readUntil(
      async () => (await apiCall<RequestStatusAnswer>(api, 'GET', first.body.request, admin)).body,
      (answer) => answer.status === 'COMPLETED',
      'the dry run to complete',
    );
    expect(done.request).toMatchObject({ requestedBy: people.admin, dryRun: true, traceId: `trace-${run}` });
    const status = await apiCall<TenantDeletionStatus>(api, 'GET', `/api/v1/tenants/${tenant}/deletion`, admin);
    expect(status.body.progress?.requests.map((request) => request.requestId)).toEqual([first.body.requestId]);
  });

  it("an owner's DELETE, followed to COMPLETED; status, request status and the certificate naming the owner", async () => {
    const owner = await bearer(people.owner);
    const accepted = await deleteTenant(tenant, owner, { reason: 'contract-ended' });
    expect(accepted.status).toBe(202);
    const result = await readResult(deletionHandle(temporal.client, tenant));
    expect(result.status).toBe('COMPLETED');

    const status = await apiCall<TenantDeletionStatus>(api, 'GET', `/api/v1/tenants/${tenant}/deletion`, owner);
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ tenantId: tenant, workflowStatus: 'COMPLETED', status: 'COMPLETED' });
    expect(status.body.result?.instances.length).toBeGreaterThan(0);

    const request = await apiCall<RequestStatusAnswer>(api, 'GET', accepted.body.request, owner);
    expect(request.status).toBe(200);
    expect(request.body.status).toBe('COMPLETED');
    expect(request.body.instances.length).toBe(status.body.result!.instances.length);
    expect(request.body.instances.every((row) => row.status === 'COMPLETED' && !row.dryRun)).toBe(true);

    const certificate = await apiCall<DeletionCertificate>(api, 'GET', `/api/v1/tenants/${tenant}/certificate`, owner);
    expect(certificate.status).toBe(200);
    expect(certificate.body.body.requests).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ requestId: accepted.body.requestId, requestedBy: people.owner, wholeTenant: true }),
      ]),
    );
    // Who neither requested it nor holds a role in the tenant does not read it.
    const other = await apiCall(api, 'GET', `/api/v1/tenants/${tenant}/certificate`, await bearer(people.otherAdmin));
    expect(other.status).toBe(403);
  }, 180_000);
});

describe('approve', () => {
  it('needs an operator who did not request the deletion (four eyes); approvedBy is the subject', async () => {
    const requester = await bearer(people.operator, ['operator']);
    const accepted = await deleteTenant(heldTenant, requester);
    expect(accepted.status).toBe(202);
    await readUntil(
      async () => (await apiCall<TenantDeletionStatus>(api, 'GET', accepted.body.status, requester)).body,
      (status) => status.status === 'AWAITING_APPROVAL',
      'the deletion to be held for approval',
    );
    const approve = (authorization: string, body?: unknown) =>
      apiCall<ControlAnswer>(api, 'POST', `/api/v1/tenants/${heldTenant}/deletion/approve`, authorization, { body });

    const byAdmin = await approve(await bearer(people.admin));
    expect([byAdmin.status, byAdmin.body.error?.message]).toEqual([403, expect.stringContaining('no operator role')]);
    const bySelf = await approve(requester);
    expect([bySelf.status, bySelf.body.error?.message]).toEqual([403, expect.stringContaining('four eyes')]);
    const cancelByStranger = await apiCall(
      api,
      'POST',
      `/api/v1/tenants/${heldTenant}/deletion/cancel`,
      await bearer(people.stranger),
    );
    expect(cancelByStranger.status).toBe(403);
    const retry = await apiCall(api, 'POST', `/api/v1/tenants/${heldTenant}/deletion/retry`, requester);
    expect([retry.status, retry.body.error?.code]).toEqual([409, 'REFUSED']);

    const approved = await approve(await bearer(people.secondOperator, ['operator']), {
      requestIds: [accepted.body.requestId],
    });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      tenantId: heldTenant,
      update: 'approveDeletion',
      approvedBy: people.secondOperator,
      requests: [{ requestId: accepted.body.requestId, from: 'AWAITING_APPROVAL' }],
    });
    expect((await readResult(deletionHandle(temporal.client, heldTenant))).status).toBe('COMPLETED');
    const request = await apiCall<RequestStatusAnswer>(api, 'GET', accepted.body.request, requester);
    expect(request.body.request).toMatchObject({ requestedBy: people.operator, approvedBy: people.secondOperator });
    const certificate = await apiCall<DeletionCertificate>(
      api,
      'GET',
      `/api/v1/tenants/${heldTenant}/certificate`,
      requester,
    );
    expect(certificate.body.body.requests).toEqual([
      expect.objectContaining({
        requestId: accepted.body.requestId,
        requestedBy: people.operator,
        approvedBy: people.secondOperator,
      }),
    ]);
  }, 180_000);
});
