import { amount, CITIES, FIRST_NAMES, LAST_NAMES, pastDate, pastTimestamp, spaced } from '../seed/fake-values';
import type { ServiceSeedPlan } from '../seed/seed-plan';

export const seedPlan: ServiceSeedPlan = {
  shared: [],
  tables: [
    {
      table: 'suppliers',
      share: 2,
      columns: {
        id: (s) => s.id('suppliers'),
        tenant_id: (s) => s.tenant,
        name: (s) => spaced(s.pick(['Mühle', 'Dairy', 'Farm', 'Packaging Co.']), s.pick(CITIES, 'g / 4')),
        email: `'sales' || g || '@supplier.example'`,
        tax_id: `'DE' || lpad((g * 104729 % 1000000000)::text, 9, '0')`,
        rating: '1 + g % 5',
      },
    },
    {
      table: 'supplier_contacts',
      share: 3,
      columns: {
        id: (s) => s.id('supplier_contacts'),
        supplier_id: (s) => s.ref('suppliers'),
        name: (s) => spaced(s.pick(FIRST_NAMES, 'g / 2'), s.pick(LAST_NAMES)),
        email: `'contact' || g || '@supplier.example'`,
        phone: `'+34 91 ' || lpad((g * 7919 % 10000000)::text, 7, '0')`,
      },
    },
    {
      table: 'contracts',
      share: 2,
      columns: {
        id: (s) => s.id('contracts'),
        supplier_id: (s) => s.ref('suppliers'),
        starts_on: pastDate(700),
        ends_on: `CASE WHEN g % 3 = 0 THEN NULL ELSE current_date + 365 - g % 700 END`,
        terms: (s) => s.pick(['net 30, weekly delivery', 'net 14, daily delivery', 'prepaid, monthly delivery']),
      },
    },
    {
      table: 'purchase_orders',
      share: 6,
      columns: {
        id: (s) => s.id('purchase_orders'),
        tenant_id: (s) => s.tenant,
        supplier_id: (s) => s.ref('suppliers'),
        // Contracts are spread over suppliers as orders are, so an order's contract is its supplier's.
        contract_id: (s) => `CASE WHEN g % 5 = 0 THEN NULL ELSE ${s.ref('contracts')} END`,
        po_number: `'SPO-' || lpad(g::text, 7, '0')`,
        status: (s) => s.pick(['open', 'delivered', 'paid', 'paid', 'cancelled']),
        ordered_at: pastTimestamp(365),
      },
    },
    {
      table: 'purchase_order_lines',
      share: 14,
      columns: {
        id: (s) => s.id('purchase_order_lines'),
        purchase_order_id: (s) => s.ref('purchase_orders'),
        item: (s) => s.pick(['Wheat flour T550', 'Rye flour T1150', 'Butter 82%', 'Fresh yeast', 'Sea salt', 'Boxes']),
        quantity: amount(1, 500),
        unit_price: amount(0.1, 12),
      },
    },
    {
      table: 'deliveries',
      share: 4,
      columns: {
        id: (s) => s.id('deliveries'),
        purchase_order_id: (s) => s.ref('purchase_orders'),
        delivered_at: pastTimestamp(360),
        received_by: (s) => s.pick(FIRST_NAMES),
      },
    },
    {
      table: 'payments',
      share: 4,
      columns: {
        id: (s) => s.id('payments'),
        purchase_order_id: (s) => s.ref('purchase_orders', 'g * 3'),
        amount: amount(20, 5000),
        paid_at: pastTimestamp(360),
        iban_last4: `lpad((g * 7 % 10000)::text, 4, '0')`,
      },
    },
    {
      table: 'audit_log',
      share: 2,
      columns: {
        tenant_id: (s) => s.tenant,
        action: (s) => s.pick(['supplier.created', 'po.placed', 'payment.recorded', 'contract.signed']),
        created_at: pastTimestamp(365),
      },
    },
  ],
};
