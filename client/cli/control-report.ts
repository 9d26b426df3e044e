import type { Output } from './output';
import type { ControlDone } from './tenant-control';

/** What `tdel cancel|retry|approve` did, as text: a headline, then what changed for each instance and request. */

export function renderControl(out: Output, done: ControlDone, scope: string): string {
  const { c } = out;
  const changed = [plural(done.instances.length, 'instance'), plural(done.requests.length, 'request')];
  const lines = [`${c.green(done.update)} on ${done.workflowId} (${scope}): ${changed.join(', ')} changed`];
  if (done.instances.length > 0) {
    lines.push(
      out.table(
        ['INSTANCE', 'FROM', 'TO'],
        done.instances.map((change) => [change.serviceInstanceId, out.status(change.from), out.status(change.to)]),
      ),
    );
  }
  if (done.requests.length > 0) {
    lines.push(
      out.table(
        ['REQUEST', 'FROM', 'TO'],
        done.requests.map((change) => [change.requestId, out.status(change.from), out.status(change.to)]),
      ),
    );
  }
  const stopping = done.instances.filter((change) => change.to === 'CANCEL_REQUESTED');
  if (stopping.length > 0) {
    lines.push(
      `${c.dim('note:')} ${stopping.map((change) => change.serviceInstanceId).join(', ')} ` +
        `${stopping.length === 1 ? 'was' : 'were'} running: cancelled at the next safe point; what was deleted stays deleted`,
    );
  }
  lines.push(`follow it with \`tdel status ${done.tenantId} --watch\``);
  return lines.join('\n');
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
