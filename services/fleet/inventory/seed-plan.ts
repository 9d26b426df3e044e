import { amount, CITIES, futureDate, INGREDIENTS, pastTimestamp, SKUS, spaced } from '../seed/fake-values';
import type { ServiceSeedPlan } from '../seed/seed-plan';

export const seedPlan: ServiceSeedPlan = {
  shared: [],
  tables: [
    {
      table: 'suppliers',
      share: 1,
      columns: {
        id: (s) => s.id('suppliers'),
        tenant_id: (s) => s.tenant,
        name: (s) => spaced(s.pick(['Mühle', 'Molino', 'Moulin', 'Mlyn']), s.pick(CITIES, 'g / 4')),
        contact_email: `'orders' || g || '@supplier.example'`,
        lead_time_days: '1 + g % 5',
      },
    },
    {
      table: 'products',
      share: 4,
      columns: {
        id: (s) => s.id('products'),
        tenant_id: (s) => s.tenant,
        // Every fourth product is a base product; the three after it are its variants.
        parent_product_id: (s) => `CASE WHEN g % 4 = 0 THEN NULL ELSE ${s.id('products', 'g - g % 4')} END`,
        sku: (s) => `${s.pick([...SKUS, ...INGREDIENTS], 'g / 4')} || '-' || g`,
        name: (s) =>
          `${s.pick(['Rye loaf', 'Sourdough', 'Butter', 'Flour', 'Croissant', 'Sugar', 'Yeast'], 'g / 4')} || ' #' || g`,
        product_type: (s) => s.pick(['finished', 'ingredient', 'ingredient', 'packaging'], 'g / 4'),
        unit: (s) => s.pick(['kg', 'pcs', 'l'], 'g / 4'),
        reorder_point: amount(1, 50),
      },
    },
    {
      table: 'stock_locations',
      share: 1,
      columns: {
        id: (s) => s.id('stock_locations'),
        tenant_id: (s) => s.tenant,
        name: `'Store room ' || (g + 1)`,
        kind: (s) => s.pick(['dry', 'chilled', 'frozen', 'shop']),
      },
    },
    {
      table: 'stock_batches',
      share: 6,
      columns: {
        id: (s) => s.id('stock_batches'),
        product_id: (s) => s.ref('products'),
        location_id: (s) => s.ref('stock_locations'),
        lot_number: `'LOT-' || to_char(current_date, 'YYMM') || '-' || g`,
        quantity: amount(1, 500),
        expires_on: futureDate(60),
      },
    },
    {
      table: 'stock_movements',
      share: 14,
      columns: {
        batch_id: (s) => s.ref('stock_batches'),
        movement_type: (s) => s.pick(['receipt', 'consumption', 'consumption', 'waste', 'transfer', 'adjustment']),
        quantity: amount(0.5, 40),
        moved_at: pastTimestamp(120),
      },
    },
    {
      table: 'stock_alerts',
      share: 2,
      columns: {
        id: (s) => s.id('stock_alerts'),
        tenant_id: (s) => s.tenant,
        product_id: (s) => s.ref('products', 'g * 3'),
        alert_type: (s) => s.pick(['low_stock', 'expiring', 'overstock']),
        raised_at: pastTimestamp(30),
        resolved_at: `CASE WHEN g % 3 = 0 THEN NULL ELSE now() - (g % 10) * interval '1 hour' END`,
      },
    },
    {
      table: 'purchase_orders',
      share: 3,
      columns: {
        id: (s) => s.id('purchase_orders'),
        tenant_id: (s) => s.tenant,
        supplier_id: (s) => s.ref('suppliers'),
        po_number: `'PO-' || lpad(g::text, 7, '0')`,
        status: (s) => s.pick(['draft', 'sent', 'received', 'received', 'cancelled']),
        ordered_at: pastTimestamp(200),
      },
    },
    {
      table: 'purchase_order_items',
      share: 6,
      columns: {
        id: (s) => s.id('purchase_order_items'),
        purchase_order_id: (s) => s.ref('purchase_orders'),
        product_id: (s) => s.ref('products', 'g * 7'),
        quantity: amount(1, 200),
        unit_cost: amount(0.2, 30),
      },
    },
    {
      table: 'audit_log',
      share: 2,
      columns: {
        tenant_id: (s) => s.tenant,
        action: (s) => s.pick(['stock.received', 'stock.adjusted', 'product.created', 'po.sent']),
        created_at: pastTimestamp(180),
      },
    },
  ],
};
