import { pastTimestamp, SKUS } from '../seed/fake-values';
import type { ServiceSeedPlan } from '../seed/seed-plan';

export const seedPlan: ServiceSeedPlan = {
  shared: [],
  tables: [
    {
      table: 'alert_rules',
      share: 1,
      columns: {
        id: (s) => s.id('alert_rules'),
        tenant_id: (s) => s.tenant,
        name: (s) => `${s.pick(['Low stock', 'Run failed', 'Forecast spike', 'Oven temperature'])} || ' #' || (g + 1)`,
        condition: (s) => `jsonb_build_object('sku', ${s.pick(SKUS)}, 'below', 10 + g % 40)`,
        severity: (s) => s.pick(['info', 'warning', 'critical']),
        enabled: 'g % 9 <> 8',
      },
    },
    {
      table: 'alerts',
      share: 10,
      columns: {
        id: (s) => s.id('alerts'),
        tenant_id: (s) => s.tenant,
        rule_id: (s) => `CASE WHEN g % 7 = 0 THEN NULL ELSE ${s.ref('alert_rules')} END`,
        alert_type: (s) => s.pick(['stock', 'production', 'forecast', 'equipment']),
        severity: (s) => s.pick(['info', 'warning', 'warning', 'critical']),
        message: (s) => `${s.pick(SKUS)} || ' needs attention'`,
        status: (s) => s.pick(['open', 'acknowledged', 'resolved', 'resolved']),
        created_at: pastTimestamp(90),
      },
    },
    {
      table: 'alert_interactions',
      share: 12,
      columns: {
        id: (s) => s.id('alert_interactions'),
        alert_id: (s) => s.ref('alerts'),
        interaction_type: (s) => s.pick(['viewed', 'acknowledged', 'snoozed', 'resolved'], `g / ${s.count('alerts')}`),
        actor_ref: `'user-' || (g % 25)`,
        occurred_at: pastTimestamp(90),
      },
    },
    {
      table: 'alert_escalations',
      share: 3,
      columns: {
        id: (s) => s.id('alert_escalations'),
        alert_id: (s) => s.ref('alerts', 'g * 3'),
        level: '(1 + g % 3)::smallint',
        escalated_to: (s) => s.pick(['shift-lead', 'bakery-manager', 'owner']),
        escalated_at: pastTimestamp(90),
      },
    },
    {
      table: 'audit_log',
      share: 2,
      columns: {
        tenant_id: (s) => s.tenant,
        action: (s) => s.pick(['rule.created', 'alert.raised', 'alert.resolved']),
        created_at: pastTimestamp(365),
      },
    },
  ],
};
