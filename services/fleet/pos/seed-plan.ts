import { amount, CITIES, pastTimestamp, SKUS } from '../seed/fake-values';
import type { SeedExpressions, ServiceSeedPlan } from '../seed/seed-plan';

/**
 * A terminal of the transaction's own configuration: terminal t belongs to configuration t % C, so
 * the transaction's configuration index plus a multiple of C picks one of that shop's terminals.
 */
function terminalOfSameShop(s: SeedExpressions): string {
  const configurations = s.count('pos_configurations');
  const perConfiguration = Math.max(1, Math.floor(s.count('pos_terminals') / configurations));
  return s.id(
    'pos_terminals',
    `g % ${configurations} + ${configurations} * ((g / ${configurations}) % ${perConfiguration})`,
  );
}

export const seedPlan: ServiceSeedPlan = {
  shared: [],
  tables: [
    {
      table: 'pos_configurations',
      share: 1,
      columns: {
        id: (s) => s.id('pos_configurations'),
        tenant_id: (s) => s.tenant,
        provider: (s) => s.pick(['square', 'toast', 'lightspeed', 'sumup']),
        location_name: (s) => `${s.pick(CITIES)} || ' shop ' || (g + 1)`,
        api_key_ref: `'vault:pos/' || g`,
        active: 'g % 7 <> 6',
      },
    },
    {
      table: 'pos_terminals',
      share: 2,
      columns: {
        id: (s) => s.id('pos_terminals'),
        configuration_id: (s) => s.ref('pos_configurations'),
        name: `'Till ' || (1 + g % 4)`,
        serial_number: `'SN' || lpad((g * 104729 % 100000000)::text, 8, '0')`,
      },
    },
    {
      table: 'transactions',
      share: 20,
      columns: {
        id: (s) => s.id('transactions'),
        tenant_id: (s) => s.tenant,
        configuration_id: (s) => s.ref('pos_configurations'),
        terminal_id: (s) => `CASE WHEN g % 8 = 0 THEN NULL ELSE ${terminalOfSameShop(s)} END`,
        external_id: `'tx_' || md5(g::text)`,
        total: amount(1.2, 60),
        occurred_at: pastTimestamp(365),
      },
    },
    {
      table: 'transaction_items',
      share: 40,
      columns: {
        id: (s) => s.id('transaction_items'),
        transaction_id: (s) => s.ref('transactions'),
        sku: (s) => s.pick(SKUS, 'g / 3'),
        quantity: '1 + g % 6',
        unit_price: amount(0.8, 30),
      },
    },
    {
      table: 'transaction_payments',
      share: 20,
      columns: {
        id: (s) => s.id('transaction_payments'),
        transaction_id: (s) => s.ref('transactions'),
        method: (s) => s.pick(['card', 'card', 'cash', 'mobile', 'voucher']),
        amount: amount(1.2, 60),
      },
    },
    {
      table: 'webhooks',
      share: 2,
      columns: {
        id: (s) => s.id('webhooks'),
        configuration_id: (s) => s.ref('pos_configurations'),
        event_type: (s) => s.pick(['transaction.created', 'refund.created', 'catalog.updated']),
        target_url: `'https://hooks.bakery.example/pos/' || g`,
        secret_hash: `md5('hook-secret:' || g)`,
      },
    },
    {
      table: 'webhook_deliveries',
      share: 8,
      columns: {
        webhook_id: (s) => s.ref('webhooks'),
        status_code: (s) => `(${s.pick(['200', '200', '200', '500', '429'])})::int`,
        delivered_at: pastTimestamp(60),
      },
    },
    {
      table: 'sync_logs',
      share: 4,
      columns: {
        configuration_id: (s) => s.ref('pos_configurations'),
        started_at: pastTimestamp(90),
        records_synced: 'g * 13 % 2000',
        status: (s) => s.pick(['ok', 'ok', 'ok', 'partial', 'failed']),
      },
    },
    {
      table: 'audit_log',
      share: 2,
      columns: {
        tenant_id: (s) => s.tenant,
        action: (s) => s.pick(['pos.synced', 'webhook.registered', 'terminal.paired']),
        created_at: pastTimestamp(365),
      },
    },
  ],
};
