import { amount, pastDate, pastTimestamp, SKUS } from '../seed/fake-values';
import type { ServiceSeedPlan } from '../seed/seed-plan';

export const seedPlan: ServiceSeedPlan = {
  shared: [],
  tables: [
    {
      table: 'sales_channels',
      share: 1,
      columns: {
        id: (s) => s.id('sales_channels'),
        tenant_id: (s) => s.tenant,
        name: (s) => `${s.pick(['Shop', 'Web shop', 'Wholesale', 'Till'])} || ' ' || (g + 1)`,
        kind: (s) => s.pick(['shop', 'online', 'wholesale', 'pos']),
      },
    },
    {
      table: 'sales_records',
      share: 40,
      columns: {
        id: (s) => s.id('sales_records'),
        tenant_id: (s) => s.tenant,
        channel_id: (s) => s.ref('sales_channels'),
        product_sku: (s) => s.pick(SKUS, 'g / 7'),
        quantity: '1 + g % 12',
        revenue: amount(1, 90),
        sold_at: pastTimestamp(365),
      },
    },
    {
      table: 'sales_record_discounts',
      share: 6,
      columns: {
        id: (s) => s.id('sales_record_discounts'),
        sales_record_id: (s) => s.ref('sales_records', 'g * 5'),
        code: (s) => s.pick(['HAPPYHOUR', 'STAFF', 'LOYALTY10', 'DAYOLD']),
        amount: amount(0.2, 8),
      },
    },
    {
      table: 'sales_aggregates',
      share: 8,
      columns: {
        id: (s) => s.id('sales_aggregates'),
        tenant_id: (s) => s.tenant,
        channel_id: (s) => `CASE WHEN g % 5 = 0 THEN NULL ELSE ${s.ref('sales_channels')} END`,
        period_start: pastDate(365),
        product_sku: (s) => s.pick(SKUS),
        total_quantity: '10 + g % 400',
        total_revenue: amount(20, 4000),
      },
    },
    {
      table: 'sales_predictions',
      share: 8,
      columns: {
        id: (s) => s.id('sales_predictions'),
        tenant_id: (s) => s.tenant,
        product_sku: (s) => s.pick(SKUS),
        predicted_for: pastDate(60),
        predicted_quantity: amount(5, 300),
        model_version: `'v' || (1 + g % 4)`,
      },
    },
    {
      table: 'prediction_accuracy',
      share: 6,
      columns: {
        id: (s) => s.id('prediction_accuracy'),
        prediction_id: (s) => s.ref('sales_predictions'),
        actual_quantity: '5 + g % 300',
        absolute_error: amount(0, 40),
      },
    },
    {
      table: 'audit_log',
      share: 2,
      columns: {
        tenant_id: (s) => s.tenant,
        action: (s) => s.pick(['sales.imported', 'aggregate.rebuilt', 'prediction.stored']),
        created_at: pastTimestamp(365),
      },
    },
  ],
};
