import { Format, MultiBar, Presets, type Options, type Params } from 'cli-progress';
import picocolors from 'picocolors';
import type { Colors } from 'picocolors/types';
import type { InstanceDeletionStatus } from '@tenant-deletion/contract';
import { colourEnabled, formatCount, formatTime, type CliIo, type OutStream } from './output';
import type { TenantView } from './tenant-view';

/**
 * Live progress of a tenant's deletion while `status --watch` or `delete --wait` follows it. On a terminal: one
 * bar per instance and a total, redrawn in place (cli-progress). Elsewhere (CI logs, pipes): one line per change.
 */
export interface ProgressDisplay {
  update(frame: ProgressFrame): void;
  stop(): void;
}

/**
 * What one redraw shows: the totals, and the instances to draw. From the summary those are only the ones that
 * need attention (failed, held, running); from the full read at the end, every instance.
 */
export type ProgressFrame = Pick<TenantView, 'tenantId' | 'status' | 'totals' | 'instances'>;

export function progressDisplay(io: CliIo, stream: OutStream): ProgressDisplay {
  const colours = picocolors.createColors(colourEnabled(stream, io.env));
  return stream.isTTY ? new BarsDisplay(stream, colours) : new LinesDisplay(stream, colours);
}

/** A bar per instance: empty while pending, half while the service works (or waits on a hold), full when settled. */
function instanceProgress(status: InstanceDeletionStatus): number {
  if (status === 'PENDING') return 0;
  if (status === 'IN_PROGRESS' || status === 'ON_HOLD') return 1;
  return 2;
}

const BAR_COLOURS: Record<InstanceDeletionStatus, keyof Colors> = {
  PENDING: 'dim',
  IN_PROGRESS: 'cyan',
  ON_HOLD: 'yellow',
  COMPLETED: 'green',
  FAILED: 'red',
  CANCELLED: 'magenta',
  REJECTED: 'red',
};

/** More instances than this get the total bar only: a screen of bars is no longer readable. */
const MAX_INSTANCE_BARS = 20;

interface BarPayload {
  label: string;
  detail: string;
  colour: keyof Colors;
}

class BarsDisplay implements ProgressDisplay {
  private readonly multi: MultiBar;
  private readonly total;
  private readonly bars = new Map<string, ReturnType<MultiBar['create']>>();
  private labelWidth = 5;

  constructor(stream: OutStream, colours: Colors) {
    const format = (options: Options, params: Params, payload: BarPayload): string => {
      const bar = Format.BarFormat(params.progress, options);
      const paint = colours[payload.colour] as (text: string) => string;
      return `${payload.label.padEnd(this.labelWidth)} ${paint(bar)} ${payload.detail}`;
    };
    this.multi = new MultiBar(
      {
        stream: stream as NodeJS.WritableStream,
        format,
        barsize: 24,
        hideCursor: true,
        clearOnComplete: false,
        gracefulExit: false,
        linewrap: true,
      },
      Presets.shades_classic,
    );
    this.total = this.multi.create(1, 0, { label: 'total', detail: '', colour: 'bold' } satisfies BarPayload);
  }

  update(view: ProgressFrame): void {
    const shown = view.instances.slice(0, MAX_INSTANCE_BARS);
    this.labelWidth = Math.max(5, ...shown.map((instance) => instance.serviceInstanceId.length));
    // An instance that left the frame (settled, while the summary is drawn) gives its place to the next one.
    const ids = new Set(shown.map((instance) => instance.serviceInstanceId));
    for (const [id, bar] of this.bars) {
      if (ids.has(id)) continue;
      this.multi.remove(bar);
      this.bars.delete(id);
    }
    for (const instance of shown) {
      const payload: BarPayload = {
        label: instance.serviceInstanceId,
        detail:
          `${instance.status}` +
          (instance.deletedRecords ? `  ${formatCount(instance.deletedRecords)} records` : '') +
          (instance.attempts > 1 ? `  attempt ${instance.attempts}` : '') +
          (instance.lastError && instance.status !== 'COMPLETED' ? `  ${instance.lastError.slice(0, 50)}` : ''),
        colour: BAR_COLOURS[instance.status],
      };
      const bar = this.bars.get(instance.serviceInstanceId);
      if (bar) bar.update(instanceProgress(instance.status), payload);
      else this.bars.set(instance.serviceInstanceId, this.multi.create(2, instanceProgress(instance.status), payload));
    }
    const { totals } = view;
    const settled = totals.instances - totals.PENDING - totals.IN_PROGRESS - totals.ON_HOLD;
    this.total.setTotal(Math.max(1, totals.instances));
    this.total.update(settled, {
      label: 'total',
      detail:
        `${view.status ?? ''}  ${totals.COMPLETED}/${totals.instances} deleted, ${formatCount(totals.deletedRecords)} records` +
        (totals.FAILED ? `, ${totals.FAILED} failed` : '') +
        (view.instances.length > MAX_INSTANCE_BARS
          ? `  (${view.instances.length - MAX_INSTANCE_BARS} more not shown)`
          : ''),
      colour: view.status === 'FAILED' ? 'red' : view.status === 'COMPLETED' ? 'green' : 'bold',
    } satisfies BarPayload);
  }

  stop(): void {
    this.multi.stop();
  }
}

class LinesDisplay implements ProgressDisplay {
  private readonly seen = new Map<string, string>();
  private lastTenant = '';

  constructor(
    private readonly stream: OutStream,
    private readonly colours: Colors,
  ) {}

  update(view: ProgressFrame): void {
    const now = formatTime(Date.now());
    for (const instance of view.instances) {
      const line = `${instance.status}${instance.lastError && instance.status !== 'COMPLETED' ? ` (${instance.lastError})` : ''}`;
      if (this.seen.get(instance.serviceInstanceId) === line) continue;
      this.seen.set(instance.serviceInstanceId, line);
      const paint = this.colours[BAR_COLOURS[instance.status]] as (text: string) => string;
      this.stream.write(`${this.colours.dim(now)}  ${instance.serviceInstanceId}  ${paint(line)}\n`);
    }
    const { totals } = view;
    const tenant = `${view.status ?? 'UNKNOWN'}: ${totals.COMPLETED}/${totals.instances} instances deleted, ${formatCount(totals.deletedRecords)} records`;
    if (tenant !== this.lastTenant) {
      this.lastTenant = tenant;
      this.stream.write(`${this.colours.dim(now)}  ${this.colours.bold(`tenant ${view.tenantId}`)}  ${tenant}\n`);
    }
  }

  stop(): void {}
}
