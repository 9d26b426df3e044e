import { pastTimestamp, SKUS } from '../seed/fake-values';
import type { ServiceSeedPlan } from '../seed/seed-plan';

const ARTIFACT_TYPES = ['weights', 'scaler', 'metadata'];

export const seedPlan: ServiceSeedPlan = {
  shared: [],
  tables: [
    {
      table: 'training_jobs',
      share: 3,
      columns: {
        id: (s) => s.id('training_jobs'),
        tenant_id: (s) => s.tenant,
        status: (s) => s.pick(['succeeded', 'succeeded', 'succeeded', 'failed', 'running', 'queued']),
        priority: '(g % 3)::smallint',
        queued_at: pastTimestamp(200),
        started_at: `CASE WHEN g % 6 = 5 THEN NULL ELSE ${pastTimestamp(200)} END`,
        finished_at: `CASE WHEN g % 6 >= 4 THEN NULL ELSE ${pastTimestamp(200)} + interval '12 minutes' END`,
      },
    },
    {
      table: 'models',
      share: 3,
      columns: {
        id: (s) => s.id('models'),
        tenant_id: (s) => s.tenant,
        training_job_id: (s) => `CASE WHEN g % 10 = 0 THEN NULL ELSE ${s.ref('training_jobs')} END`,
        product_sku: (s) => s.pick(SKUS),
        algorithm: (s) => s.pick(['prophet', 'prophet', 'xgboost', 'arima']),
        version: `1 + g / ${SKUS.length}`,
        trained_at: pastTimestamp(200),
      },
    },
    {
      table: 'model_artifacts',
      share: 3,
      // Each artifact is a file under the tenant's own directory: <tenant>/<model id>/<type>-<n>.bin.
      files: { pathColumn: 'file_path', sizeColumn: 'size_bytes' },
      columns: {
        id: (s) => s.id('model_artifacts'),
        model_id: (s) => s.ref('models'),
        artifact_type: (s) => s.pick(ARTIFACT_TYPES, `g / ${s.count('models')}`),
        file_path: (s) =>
          `${s.tenant} || '/' || ${s.ref('models')} || '/' || ${s.pick(ARTIFACT_TYPES, `g / ${s.count('models')}`)} || '-' || g || '.bin'`,
        size_bytes: '256 + g * 131 % 768',
      },
    },
    {
      table: 'training_logs',
      share: 12,
      columns: {
        training_job_id: (s) => s.ref('training_jobs'),
        level: (s) => s.pick(['info', 'info', 'info', 'debug', 'warn', 'error']),
        message: (s) =>
          `'epoch ' || (g / ${s.count('training_jobs')}) || ': loss ' || round(((g * 7919 % 1000) / 1000.0)::numeric, 3)`,
        logged_at: pastTimestamp(200),
      },
    },
    {
      table: 'training_metrics',
      share: 6,
      columns: {
        id: (s) => s.id('training_metrics'),
        model_id: (s) => s.ref('models'),
        metric: (s) => s.pick(['mape', 'rmse', 'mae', 'r2'], `g / ${s.count('models')}`),
        value: '(g * 7919 % 1000) / 100.0',
      },
    },
    {
      table: 'audit_log',
      share: 1,
      columns: {
        tenant_id: (s) => s.tenant,
        action: (s) => s.pick(['job.queued', 'model.trained', 'model.promoted']),
        created_at: pastTimestamp(365),
      },
    },
  ],
};
