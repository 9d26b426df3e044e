import { amount, INGREDIENTS, pastTimestamp } from '../seed/fake-values';
import type { ServiceSeedPlan } from '../seed/seed-plan';

export const seedPlan: ServiceSeedPlan = {
  shared: [],
  tables: [
    {
      table: 'equipment',
      share: 1,
      columns: {
        id: (s) => s.id('equipment'),
        tenant_id: (s) => s.tenant,
        name: (s) =>
          `${s.pick(['Deck oven', 'Spiral mixer', 'Proofer', 'Dough divider', 'Blast freezer'])} || ' ' || (g + 1)`,
        equipment_type: (s) => s.pick(['oven', 'mixer', 'proofer', 'divider', 'freezer']),
      },
    },
    {
      table: 'production_schedules',
      share: 1,
      columns: {
        id: (s) => s.id('production_schedules'),
        tenant_id: (s) => s.tenant,
        week_start: `date_trunc('week', current_date)::date - 7 * g`,
        status: `CASE WHEN g = 0 THEN 'published' ELSE 'closed' END`,
      },
    },
    {
      table: 'production_runs',
      share: 6,
      columns: {
        id: (s) => s.id('production_runs'),
        tenant_id: (s) => s.tenant,
        schedule_id: (s) => `CASE WHEN g % 10 = 0 THEN NULL ELSE ${s.ref('production_schedules')} END`,
        recipe_ref: `md5('recipe:' || g % 40)::uuid`,
        planned_quantity: '20 + g % 200',
        actual_quantity: 'CASE WHEN g % 6 = 0 THEN NULL ELSE 18 + g % 200 END',
        status: (s) => s.pick(['completed', 'completed', 'completed', 'in_progress', 'planned', 'cancelled']),
        started_at: pastTimestamp(180),
      },
    },
    {
      table: 'run_ingredients',
      share: 14,
      columns: {
        id: (s) => s.id('run_ingredients'),
        run_id: (s) => s.ref('production_runs'),
        ingredient_sku: (s) => s.pick(INGREDIENTS, `g / ${s.count('production_runs')}`),
        quantity_used: amount(0.05, 25),
      },
    },
    {
      table: 'run_steps',
      share: 12,
      columns: {
        id: (s) => s.id('run_steps'),
        run_id: (s) => s.ref('production_runs'),
        equipment_id: (s) => `CASE WHEN g % 3 = 0 THEN NULL ELSE ${s.ref('equipment')} END`,
        step_number: (s) => `1 + g / ${s.count('production_runs')}`,
        started_at: pastTimestamp(180),
        finished_at: `${pastTimestamp(180)} + interval '25 minutes'`,
      },
    },
    {
      table: 'quality_checks',
      share: 6,
      columns: {
        id: (s) => s.id('quality_checks'),
        run_id: (s) => s.ref('production_runs'),
        check_type: (s) => s.pick(['weight', 'colour', 'crumb', 'temperature']),
        passed: 'g % 9 <> 0',
        checked_at: pastTimestamp(180),
      },
    },
    {
      table: 'quality_check_defects',
      share: 2,
      columns: {
        id: (s) => s.id('quality_check_defects'),
        quality_check_id: (s) => s.ref('quality_checks', 'g * 3'),
        defect: (s) => s.pick(['underweight', 'pale crust', 'dense crumb', 'burnt base']),
        severity: (s) => s.pick(['minor', 'minor', 'major', 'critical']),
      },
    },
    {
      table: 'audit_log',
      share: 2,
      columns: {
        tenant_id: (s) => s.tenant,
        action: (s) => s.pick(['run.started', 'run.completed', 'schedule.published', 'qc.recorded']),
        created_at: pastTimestamp(180),
      },
    },
  ],
};
