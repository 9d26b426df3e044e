import pg from 'pg';
import { FIRST_NAMES, LOCALES, pastTimestamp } from '../seed/fake-values';
import { sharedId } from '../seed/seed-plan';
import type { ServiceSeedPlan } from '../seed/seed-plan';

/** The platform's own templates, shared by every tenant. */
const SYSTEM_TEMPLATES = [
  ['order-confirmation', 'email'],
  ['order-ready', 'sms'],
  ['low-stock', 'push'],
  ['daily-summary', 'email'],
  ['password-reset', 'email'],
  ['delivery-eta', 'whatsapp'],
] as const;
const SYSTEM_LOCALES = LOCALES.slice(0, 3);

const systemTemplates = `(VALUES ${SYSTEM_TEMPLATES.map(
  ([name, channel], i) => `(${i}, ${pg.escapeLiteral(name)}, ${pg.escapeLiteral(channel)})`,
).join(', ')}) AS t(i, name, channel)`;

export const seedPlan: ServiceSeedPlan = {
  shared: [
    `INSERT INTO notification_templates (id, tenant_id, is_system, name, channel, body)
     SELECT ${sharedId('notification_templates', 't.i')}, NULL, true, t.name, t.channel, 'Hello {{name}}, ' || t.name
       FROM ${systemTemplates}
     ON CONFLICT DO NOTHING`,
    `INSERT INTO template_translations (id, template_id, locale, body)
     SELECT ${sharedId('template_translations', `t.i * ${SYSTEM_LOCALES.length} + l.n`)},
            ${sharedId('notification_templates', 't.i')}, l.locale, l.locale || ': ' || t.name
       FROM ${systemTemplates},
            unnest(ARRAY[${SYSTEM_LOCALES.map((locale) => pg.escapeLiteral(locale)).join(', ')}]) WITH ORDINALITY AS l(locale, n)
     ON CONFLICT DO NOTHING`,
  ],
  tables: [
    {
      table: 'notification_templates',
      share: 1,
      columns: {
        id: (s) => s.id('notification_templates'),
        tenant_id: (s) => s.tenant,
        is_system: 'false',
        name: `'custom-template-' || g`,
        channel: (s) => s.pick(['email', 'sms', 'push', 'whatsapp']),
        body: `'Dear {{name}}, your bakery order ' || g`,
      },
    },
    {
      table: 'template_translations',
      share: 2,
      columns: {
        id: (s) => s.id('template_translations'),
        template_id: (s) => s.ref('notification_templates'),
        // Translation n of a template is in the n-th locale: (template, locale) stays unique.
        locale: (s) => s.pick(LOCALES, `g / ${s.count('notification_templates')}`),
        body: `'translated body ' || g`,
      },
    },
    {
      table: 'notification_preferences',
      share: 4,
      columns: {
        id: (s) => s.id('notification_preferences'),
        tenant_id: (s) => s.tenant,
        user_ref: `'user-' || (g / 4)`,
        channel: (s) => s.pick(['email', 'sms', 'push', 'whatsapp']),
        enabled: 'g % 5 <> 4',
        address: (s) => `lower(${s.pick(FIRST_NAMES)}) || g || '@staff.example'`,
      },
    },
    {
      table: 'notifications',
      share: 16,
      columns: {
        id: (s) => s.id('notifications'),
        tenant_id: (s) => s.tenant,
        // Most notifications use a system template; some the tenant's own, some none (free text).
        template_id: (s) =>
          `CASE WHEN g % 10 = 0 THEN NULL WHEN g % 3 = 0 THEN ${s.ref('notification_templates')} ` +
          `ELSE ${sharedId('notification_templates', `g % ${SYSTEM_TEMPLATES.length}`)} END`,
        recipient: `'recipient' || g || '@mail.example'`,
        channel: (s) => s.pick(['email', 'sms', 'push', 'whatsapp']),
        status: (s) => s.pick(['delivered', 'delivered', 'sent', 'queued', 'failed']),
        created_at: pastTimestamp(120),
      },
    },
    {
      table: 'notification_logs',
      share: 24,
      columns: {
        notification_id: (s) => s.ref('notifications'),
        event: (s) => s.pick(['queued', 'sent', 'delivered', 'opened', 'bounced'], `g / ${s.count('notifications')}`),
        occurred_at: pastTimestamp(120),
      },
    },
    {
      table: 'audit_log',
      share: 2,
      columns: {
        tenant_id: (s) => s.tenant,
        action: (s) => s.pick(['template.created', 'preference.changed', 'notification.sent']),
        created_at: pastTimestamp(365),
      },
    },
  ],
};
