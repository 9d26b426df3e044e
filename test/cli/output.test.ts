import { PassThrough } from 'node:stream';
import { colourEnabled, Output } from '../../client/cli/output';
import { progressDisplay } from '../../client/cli/progress-display';
import { sanitizeUserName } from '../../client/cli/requester';
import type { TenantView } from '../../client/cli/tenant-view';
import { deletionsQuery, WebUi } from '../../client/cli/web-ui';
import { captureIo as io } from './deletion-fixtures';

describe('output', () => {
  it('colours only on a terminal, honouring NO_COLOR and FORCE_COLOR', () => {
    expect(colourEnabled({ isTTY: true, write: () => true }, {})).toBe(true);
    expect(colourEnabled({ isTTY: false, write: () => true }, {})).toBe(false);
    expect(colourEnabled({ isTTY: true, write: () => true }, { NO_COLOR: '1' })).toBe(false);
    expect(colourEnabled({ isTTY: true, write: () => true }, { TERM: 'dumb' })).toBe(false);
    expect(colourEnabled({ isTTY: false, write: () => true }, { FORCE_COLOR: '1' })).toBe(true);
    expect(colourEnabled({ isTTY: true, write: () => true }, { FORCE_COLOR: '0' })).toBe(false);
    expect(colourEnabled({ isTTY: false, write: () => true }, { FORCE_COLOR: '1', NO_COLOR: 'x' })).toBe(false);
  });

  it('prints tables as plain columns without trailing blanks', () => {
    const out = new Output(io(false));
    const table = out.table(
      ['A', 'LONGER'],
      [
        ['x', 1],
        ['yy', 22],
      ],
    );
    expect(table.split('\n')).toEqual(['A    LONGER', 'x    1', 'yy   22']);
  });

  it('makes any OS user name an identifier', () => {
    expect(sanitizeUserName('jane.doe')).toBe('jane.doe');
    expect(sanitizeUserName('DOMAIN\\Jane Doe')).toBe('DOMAIN_Jane_Doe');
    expect(sanitizeUserName('')).toBe('cli');
    expect(sanitizeUserName('x'.repeat(100))).toHaveLength(64);
  });

  it('links workflows and saved queries in the Web UI', () => {
    const ui = new WebUi({}, 'default');
    expect(ui.tenant('t-1')).toBe('http://localhost:8233/namespaces/default/workflows/tenant-deletion:t-1');
    expect(deletionsQuery({ status: 'FAILED' })).toBe(
      'WorkflowType="TenantDeletionWorkflow" AND DeletionStatus="FAILED"',
    );
    expect(new WebUi({ TEMPORAL_UI_URL: 'https://ui.example/' }, 'prod').query('TenantId="t-1"')).toBe(
      'https://ui.example/namespaces/prod/workflows?query=TenantId%3D%22t-1%22',
    );
  });
});

/** What the line display printed, without the time each line starts with. */
const linesWithoutTime = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((line) => line.replace(/^\S+ {2}/, ''));

describe('progress display', () => {
  const view = (status: 'IN_PROGRESS' | 'COMPLETED'): TenantView =>
    ({
      tenantId: 't-1',
      status,
      instances: [
        { serviceInstanceId: 'app-1', status: 'COMPLETED', deletedRecords: 5, attempts: 1, lastError: null },
        { serviceInstanceId: 'db-1', status, deletedRecords: 0, attempts: 2, lastError: null },
      ],
      totals: {
        instances: 2,
        COMPLETED: status === 'COMPLETED' ? 2 : 1,
        IN_PROGRESS: status === 'IN_PROGRESS' ? 1 : 0,
        PENDING: 0,
        ON_HOLD: 0,
        FAILED: 0,
        CANCELLED: 0,
        REJECTED: 0,
        deletedRecords: 5,
      },
    }) as unknown as TenantView;
  /** The summary while db-1 runs: only the instances that need attention. */
  const summaryFrame = (): TenantView => ({
    ...view('IN_PROGRESS'),
    instances: view('IN_PROGRESS').instances.slice(1),
  });

  it('draws a bar per instance and a total on a terminal', async () => {
    const terminal = new PassThrough() as PassThrough & { isTTY: boolean; columns: number };
    terminal.isTTY = true;
    terminal.columns = 120;
    let drawn = '';
    terminal.on('data', (chunk: Buffer) => (drawn += chunk.toString()));
    const display = progressDisplay({ ...io(true), stdout: terminal }, terminal);
    display.update(view('IN_PROGRESS'));
    display.update(summaryFrame());
    display.update(view('COMPLETED'));
    display.stop();
    await new Promise((resolve) => setImmediate(resolve));
    expect(drawn).toMatch(/total\s+\S+ COMPLETED {2}2\/2 deleted, 5 records/);
    expect(drawn).toMatch(/app-1\s+\S+ COMPLETED {2}5 records/);
    expect(drawn).toMatch(/db-1 {2}\S+ COMPLETED {2}attempt 2/);
  });

  it('prints one line per change elsewhere', () => {
    const target = io(false);
    const display = progressDisplay(target, target.stdout);
    display.update(view('IN_PROGRESS'));
    display.update(view('IN_PROGRESS'));
    display.update(view('COMPLETED'));
    display.stop();
    const lines = linesWithoutTime(target.text());
    expect(lines).toEqual([
      'app-1  COMPLETED',
      'db-1  IN_PROGRESS',
      'tenant t-1  IN_PROGRESS: 1/2 instances deleted, 5 records',
      'db-1  COMPLETED',
      'tenant t-1  COMPLETED: 2/2 instances deleted, 5 records',
    ]);
  });

  it('draws the summary while it runs and every instance from the full read at the end', () => {
    const target = io(false);
    const display = progressDisplay(target, target.stdout);
    display.update(summaryFrame());
    display.update(view('COMPLETED'));
    display.stop();
    const lines = linesWithoutTime(target.text());
    expect(lines).toEqual([
      'db-1  IN_PROGRESS',
      'tenant t-1  IN_PROGRESS: 1/2 instances deleted, 5 records',
      'app-1  COMPLETED',
      'db-1  COMPLETED',
      'tenant t-1  COMPLETED: 2/2 instances deleted, 5 records',
    ]);
  });
});
