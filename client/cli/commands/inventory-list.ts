import type { Command } from 'commander';
import { listInstances } from '../../../db/service-instances';
import { examples, jsonOption, tenantArgument } from '../arguments';
import type { CliContext } from '../context';
import { notFoundError } from '../exit-codes';

interface InventoryListOptions {
  json?: boolean;
}

/** `tdel inventory list`: a tenant's service instances as the inventory (service_instances) holds them. */
export function registerInventoryList(inventory: Command, ctx: CliContext): void {
  inventory
    .command('list')
    .description("list a tenant's service instances: type, base URL, what each depends on, status")
    .summary("a tenant's service instances")
    .addArgument(tenantArgument())
    .addOption(jsonOption())
    .addHelpText(
      'after',
      examples([
        ['tdel inventory list tenant-12345', 'as a table'],
        ['tdel inventory list tenant-12345 --json', "as the contract's JSON array"],
      ]) +
        '\n--json prints [{ "serviceInstanceId", "serviceType", "baseUrl", "dependsOn": [ids], "status" }].\n' +
        'Exit 3 when the tenant has no instance on record.\n',
    )
    .action(async (tenantId: string, options: InventoryListOptions) => {
      const instances = await ctx.withDb((db) => listInstances(db, tenantId));
      if (instances.length === 0) {
        throw notFoundError(
          `tenant ${tenantId} has no service instances on record`,
          'import them with `tdel inventory import <file.json>` (or `npm run fleet:seed -- --tenant <id>`)',
        );
      }
      const { out } = ctx;
      if (options.json) {
        out.json(instances);
        return;
      }
      out.line(
        out.table(
          ['INSTANCE', 'TYPE', 'STATUS', 'DEPENDS ON', 'BASE URL'],
          instances.map((instance) => [
            instance.serviceInstanceId,
            instance.serviceType,
            out.status(instance.status),
            instance.dependsOn.join(', ') || '-',
            instance.baseUrl,
          ]),
        ),
      );
      out.line('');
      const active = instances.filter((instance) => instance.status === 'ACTIVE').length;
      out.line(`${instances.length} instance(s) of tenant ${tenantId}, ${active} active`);
    });
}
