import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import pg from 'pg';
import {
  TOPICS,
  type DeadLetter,
  type DlqCode,
  type TenantDeletionResult,
  type TenantRole,
} from '@tenant-deletion/contract';
import { ADMIN_TOKEN_ISSUER, mintServiceToken, REGISTRY_AUDIENCE } from '@tenant-deletion/contract/service-token';
import { progressQuery } from '@tenant-deletion/client';
import type { RunningBridge } from '../../client/bridge/bridge';
import { REDACTED } from '../../common/token-redaction';
import { loadTokenSigner } from '../../common/service-token-keys';
import { latestCertificate } from '../../db/certificates';
import { requestStates } from '../../db/ledger';
import type { RunningFleet } from '../../services/fleet/fleet';
import {
  E2E_INSTANCES,
  seed,
  startE2eFleet,
  startWorkers,
  temporalClient,
  tenantRowsBySql,
  uniqueTenant,
} from '../e2e/e2e-stack';
import { until } from '../until';
import { BRIDGE_WAIT_MS, bridgeFor, config, KafkaSide, refusedTokens, RequestMessages } from './bridge-harness';

/**
 * Signed Kafka requests end to end on the real stack: Kafka, the shared Temporal server and PostgreSQL, the real
 * fleet with its tenant registry (which keeps the members), the real workers, the local development identity issuer
 * (its JWKS on port 8091), and the bridge in process, as `npm run bridge` runs it. Rows are counted by SQL in every
 * instance's database.
 */

const run = randomUUID().slice(0, 8);
const kafka = new KafkaSide();
const db = new pg.Pool({ connectionString: config.DATABASE_URL, max: 2 });
const tenantA = uniqueTenant('signed-a');
const tenantB = uniqueTenant('signed-b');
const OWNER_A = `owner-a-${run}`;
const ADMIN_A = `admin-a-${run}`;
const MEMBER_A = `member-a-${run}`;

let fleet: RunningFleet;
let workers: Awaited<ReturnType<typeof startWorkers>>;
let temporal: Awaited<ReturnType<typeof temporalClient>>;
let bridge: RunningBridge;

/** As a tenant admin's tool would: PUT the member with an admins' token (registry:members). */
async function addMember(tenantId: string, userId: string, role: TenantRole): Promise<void> {
  const token = await mintServiceToken(await loadTokenSigner(ADMIN_TOKEN_ISSUER), {
    audience: REGISTRY_AUDIENCE,
    subject: 'signed-requests-test',
    scopes: ['registry:members'],
  });
  const response = await fetch(`${fleet.registryUrl}/tenants/${tenantId}/members/${userId}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ role }),
  });
  if (!response.ok) throw new Error(`PUT member ${userId} of ${tenantId}: ${response.status} ${await response.text()}`);
}

/** The tenant's rows in every instance's database, by SQL. */
async function rowsOf(tenantId: string): Promise<Record<string, number>> {
  const rows: Record<string, number> = {};
  for (const { serviceInstanceId } of E2E_INSTANCES) {
    for (const [table, n] of Object.entries(await tenantRowsBySql(serviceInstanceId, tenantId))) {
      rows[`${serviceInstanceId}/${table}`] = n;
    }
  }
  return rows;
}

const total = (rows: Record<string, number>) => Object.values(rows).reduce((sum, n) => sum + n, 0);

async function workflowExists(tenantId: string): Promise<boolean> {
  try {
    await temporal.client.workflow.getHandle(`tenant-deletion:${tenantId}`).describe();
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}

/** The DLQ record of the message with this traceId, its value parsed (tokens redacted). */
function dlqRecordOf(traceId: string): (DeadLetter & { parsed: Record<string, unknown> }) | undefined {
  for (const record of kafka.dlqOf(tenantA, tenantB)) {
    const parsed = JSON.parse(record.value) as Record<string, unknown>;
    if (parsed.traceId === traceId) return { ...record, parsed };
  }
  return undefined;
}

beforeAll(async () => {
  fleet = await startE2eFleet();
  workers = await startWorkers(fleet);
  temporal = await temporalClient();
  await seed(fleet, tenantA, 300);
  await seed(fleet, tenantB, 300);
  await addMember(tenantA, OWNER_A, 'owner');
  await addMember(tenantA, ADMIN_A, 'admin');
  await addMember(tenantA, MEMBER_A, 'member');
  await addMember(tenantB, `owner-b-${run}`, 'owner');
  await kafka.start(run);
  bridge = await bridgeFor(`bridge-signed-${run}`, config.TEMPORAL_ADDRESS, { registryUrl: fleet.registryUrl });
}, 180_000);
afterAll(async () => {
  await bridge?.close();
  await kafka.stop();
  await workers?.stop();
  await temporal?.close();
  await fleet?.close();
  await db.end();
});

describe('signed Kafka requests on the real stack', () => {
  it('dead-letters an unsigned, a forged, an expired and a wrong-tenant request with their codes, redacted, and deletes nothing', async () => {
    const beforeA = await rowsOf(tenantA);
    const beforeB = await rowsOf(tenantB);
    expect(total(beforeA)).toBeGreaterThan(0);
    expect(total(beforeB)).toBeGreaterThan(0);
    const bad = await refusedTokens();
    const adminOfA = await RequestMessages.signedAs({ subject: ADMIN_A });
    const memberOfA = await RequestMessages.signedAs({ subject: MEMBER_A });
    const cases: { traceId: string; topic: string; message: { key: string; value: string }; code: DlqCode }[] = [
      {
        traceId: 'tr-unsigned',
        topic: TOPICS.tenantDeletionRequest,
        message: new RequestMessages(null).wholeTenant(tenantA, 'tr-unsigned'),
        code: 'UNAUTHENTICATED',
      },
      {
        traceId: 'tr-forged',
        topic: TOPICS.tenantDeletionRequest,
        message: new RequestMessages(bad.forged).wholeTenant(tenantA, 'tr-forged'),
        code: 'UNAUTHENTICATED',
      },
      {
        traceId: 'tr-expired',
        topic: TOPICS.tenantDeletionRequest,
        message: new RequestMessages(bad.expired).wholeTenant(tenantA, 'tr-expired'),
        code: 'UNAUTHENTICATED',
      },
      {
        traceId: 'tr-tampered',
        topic: TOPICS.serviceDeletionRequest,
        message: new RequestMessages(bad.tampered).oneInstance(
          tenantA,
          'tr-tampered',
          E2E_INSTANCES[0].serviceInstanceId,
        ),
        code: 'UNAUTHENTICATED',
      },
      {
        traceId: 'tr-other-tenant',
        topic: TOPICS.tenantDeletionRequest,
        message: adminOfA.wholeTenant(tenantB, 'tr-other-tenant'),
        code: 'FORBIDDEN',
      },
      {
        traceId: 'tr-member',
        topic: TOPICS.serviceDeletionRequest,
        message: memberOfA.oneInstance(tenantA, 'tr-member', E2E_INSTANCES[0].serviceInstanceId),
        code: 'FORBIDDEN',
      },
    ];
    for (const { topic, message } of cases) await kafka.producer.send({ topic, messages: [message] });

    await until(
      () => cases.every(({ traceId }) => dlqRecordOf(traceId)),
      'a DLQ record per refused request',
      BRIDGE_WAIT_MS,
    );
    const got = cases.map(({ traceId }) => [traceId, dlqRecordOf(traceId)!.error.code]);
    expect(got).toEqual(cases.map(({ traceId, code }) => [traceId, code]));
    expect(dlqRecordOf('tr-forged')!.error.message).toMatch(/signature invalid/);
    expect(dlqRecordOf('tr-expired')!.error.message).toMatch(/expired/);
    expect(dlqRecordOf('tr-other-tenant')!.error.message).toMatch(
      new RegExp(`subject ${ADMIN_A} is not a member of the tenant`),
    );
    expect(dlqRecordOf('tr-member')!.error.message).toMatch(
      new RegExp(`subject ${MEMBER_A} is a member of the tenant`),
    );
    // Every token is out of the DLQ's copies; the rest of each message is there to investigate.
    for (const { traceId, message } of cases.slice(1)) {
      const record = dlqRecordOf(traceId)!;
      expect([traceId, record.parsed.authorization]).toEqual([traceId, REDACTED]);
      const sent = JSON.parse(message.value) as { authorization: string };
      expect(record.value).not.toContain(sent.authorization.split('.')[1]);
      expect(record.value).toBe(message.value.replace(sent.authorization, REDACTED));
    }

    // Everything read and committed: nothing more will come of these messages.
    await until(async () => (await kafka.lag(`bridge-signed-${run}`)) === 0, 'the bridge to commit', BRIDGE_WAIT_MS);
    expect(await workflowExists(tenantA)).toBe(false);
    expect(await workflowExists(tenantB)).toBe(false);
    expect(await rowsOf(tenantA)).toEqual(beforeA);
    expect(await rowsOf(tenantB)).toEqual(beforeB);
  }, 240_000);

  it("runs the owner's signed request, recorded as made by the token's subject, whatever the payload claims", async () => {
    const beforeB = await rowsOf(tenantB);
    const owner = await RequestMessages.signedAs({ subject: OWNER_A });
    const message = owner.wholeTenant(tenantA, 'tr-owner');
    // The payload claims admin-1; only the token counts.
    expect(JSON.parse(message.value).payload.requestedBy).toBe('admin-1');
    await kafka.producer.send({ topic: TOPICS.tenantDeletionRequest, messages: [message] });

    await until(() => workflowExists(tenantA), "the owner's request handed over", BRIDGE_WAIT_MS);
    const result: TenantDeletionResult = await temporal.client.workflow
      .getHandle(`tenant-deletion:${tenantA}`)
      .result();
    expect(result.status).toBe('COMPLETED');
    const requestId = `tr-owner:${tenantA}`;
    expect(result.requests.map((r) => r.requestId)).toEqual([requestId]);

    // The workflow's own record of the request (what `tdel status` shows), read from the closed run.
    const progress = await temporal.client.workflow.getHandle(`tenant-deletion:${tenantA}`).query(progressQuery);
    expect(progress.requests).toEqual([expect.objectContaining({ requestId, requestedBy: OWNER_A })]);
    const [ledger] = await requestStates(db, [{ tenantId: tenantA, requestId }]);
    expect(ledger).toMatchObject({ ended: true });
    expect(Object.keys(ledger.statuses)).toEqual(['COMPLETED']);
    const certificate = await latestCertificate(db, tenantA);
    expect(certificate?.certificate.body.requests).toEqual([expect.objectContaining({ requestedBy: OWNER_A })]);

    expect(total(await rowsOf(tenantA))).toBe(0);
    expect(await rowsOf(tenantB)).toEqual(beforeB);
    expect(kafka.dlqOf(tenantA).filter((record) => record.value.includes('tr-owner'))).toEqual([]);
  }, 240_000);
});
