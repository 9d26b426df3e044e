import {
  amount,
  CITIES,
  FIRST_NAMES,
  futureDate,
  LAST_NAMES,
  pastTimestamp,
  SKUS,
  spaced,
  STREETS,
} from '../seed/fake-values';
import type { ServiceSeedPlan } from '../seed/seed-plan';

export const seedPlan: ServiceSeedPlan = {
  shared: [],
  tables: [
    {
      table: 'customers',
      share: 2,
      columns: {
        id: (s) => s.id('customers'),
        tenant_id: (s) => s.tenant,
        customer_code: `'C-' || lpad(g::text, 7, '0')`,
        name: (s) => spaced(s.pick(FIRST_NAMES), s.pick(LAST_NAMES, 'g / 10')),
        email: `'customer' || g || '@mail.example'`,
        phone: `'+49 30 ' || lpad((g * 7919 % 10000000)::text, 7, '0')`,
        customer_type: (s) => s.pick(['retail', 'retail', 'wholesale', 'event']),
      },
    },
    {
      table: 'customer_addresses',
      share: 2,
      columns: {
        id: (s) => s.id('customer_addresses'),
        customer_id: (s) => s.ref('customers'),
        street: (s) => spaced(s.pick(STREETS), '1 + g % 120'),
        city: (s) => s.pick(CITIES, 'g / 3'),
        postal_code: `lpad((10000 + g * 31 % 89999)::text, 5, '0')`,
      },
    },
    {
      table: 'orders',
      share: 6,
      columns: {
        id: (s) => s.id('orders'),
        tenant_id: (s) => s.tenant,
        customer_id: (s) => s.ref('customers'),
        // Addresses are spread over customers as orders are, so an order's address is its customer's.
        delivery_address_id: (s) => `CASE WHEN g % 4 = 0 THEN NULL ELSE ${s.ref('customer_addresses')} END`,
        order_number: `'ORD-' || lpad(g::text, 8, '0')`,
        status: (s) =>
          s.pick(['pending', 'confirmed', 'in_production', 'ready', 'delivered', 'delivered', 'cancelled']),
        delivery_date: futureDate(14),
        total_amount: amount(4, 480),
      },
    },
    {
      table: 'order_items',
      share: 14,
      columns: {
        id: (s) => s.id('order_items'),
        order_id: (s) => s.ref('orders'),
        product_sku: (s) => s.pick(SKUS, 'g / 3'),
        quantity: '1 + g % 24',
        unit_price: amount(0.8, 35),
      },
    },
    {
      table: 'order_item_customizations',
      share: 2,
      columns: {
        id: (s) => s.id('order_item_customizations'),
        order_item_id: (s) => s.ref('order_items'),
        kind: (s) => s.pick(['inscription', 'allergen', 'packaging', 'slicing']),
        note: (s) => s.pick(['Happy birthday!', 'no nuts', 'gift box', 'sliced thin', 'Congratulations']),
      },
    },
    {
      table: 'order_status_history',
      share: 10,
      columns: {
        order_id: (s) => s.ref('orders'),
        status: (s) =>
          s.pick(['pending', 'confirmed', 'in_production', 'ready', 'delivered'], `g / ${s.count('orders')}`),
        changed_at: pastTimestamp(90),
      },
    },
    {
      table: 'audit_log',
      share: 2,
      columns: {
        tenant_id: (s) => s.tenant,
        action: (s) => s.pick(['order.created', 'order.updated', 'customer.created', 'order.cancelled']),
        created_at: pastTimestamp(180),
      },
    },
  ],
};
