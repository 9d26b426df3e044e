import { amount, futureDate, pastTimestamp, SKUS } from '../seed/fake-values';
import type { ServiceSeedPlan } from '../seed/seed-plan';

export const seedPlan: ServiceSeedPlan = {
  shared: [],
  tables: [
    {
      table: 'prediction_batches',
      share: 2,
      columns: {
        id: (s) => s.id('prediction_batches'),
        tenant_id: (s) => s.tenant,
        model_ref: `md5('model:' || g % 12)::uuid`,
        status: (s) => s.pick(['done', 'done', 'done', 'failed', 'running']),
        requested_at: pastTimestamp(120),
      },
    },
    {
      table: 'forecasts',
      share: 10,
      columns: {
        id: (s) => s.id('forecasts'),
        tenant_id: (s) => s.tenant,
        batch_id: (s) => `CASE WHEN g % 6 = 0 THEN NULL ELSE ${s.ref('prediction_batches')} END`,
        product_sku: (s) => s.pick(SKUS),
        forecast_date: futureDate(30),
        quantity: amount(10, 300),
        lower_bound: amount(5, 150),
        upper_bound: amount(300, 450),
      },
    },
    {
      table: 'forecast_points',
      share: 24,
      columns: {
        id: (s) => s.id('forecast_points'),
        forecast_id: (s) => s.ref('forecasts'),
        hour: (s) => `((g / ${s.count('forecasts')}) % 24)::smallint`,
        quantity: amount(0, 40),
      },
    },
    {
      table: 'forecast_metrics',
      share: 8,
      columns: {
        id: (s) => s.id('forecast_metrics'),
        forecast_id: (s) => s.ref('forecasts'),
        metric: (s) => s.pick(['mape', 'rmse', 'mae', 'bias'], `g / ${s.count('forecasts')}`),
        value: '(g * 7919 % 1000) / 100.0',
      },
    },
    {
      table: 'forecast_cache',
      share: 3,
      columns: {
        id: (s) => s.id('forecast_cache'),
        cache_key: (s) => `${s.seedKey} || ':forecast:' || g`,
        tenant_id: (s) => s.tenant,
        payload: (s) => `jsonb_build_object('sku', ${s.pick(SKUS)}, 'days', 7, 'points', g % 168)`,
        expires_at: `now() + (g % 48) * interval '1 hour'`,
      },
    },
    {
      table: 'audit_log',
      share: 2,
      columns: {
        tenant_id: (s) => s.tenant,
        action: (s) => s.pick(['batch.requested', 'forecast.published', 'cache.invalidated']),
        created_at: pastTimestamp(365),
      },
    },
  ],
};
