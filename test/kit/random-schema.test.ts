import fc from 'fast-check';
import {
  dataSql,
  expectedDeletion,
  keyText,
  ON_DELETE_ACTIONS,
  randomSchema,
  type ForeignKeySpec,
  type RandomSchema,
  schemaDdl,
  schemaFeatures,
  TENANT_COLUMN_TYPES,
  type TableKind,
  type TableSpec,
} from './random-schema';

const samples = fc.sample(randomSchema(), { numRuns: 2_000, seed: 16 });

describe('the random schemas of the cross-tenant canary', () => {
  it('cover FK chains of depth 1 to 6 and every feature the canary promises, often enough', () => {
    const features = samples.map(schemaFeatures);
    const share = (test: (f: (typeof features)[number]) => boolean) => features.filter(test).length / samples.length;
    const depths = new Set(features.map((f) => f.depth));
    expect([...depths].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    for (let depth = 1; depth <= 6; depth++)
      expect([depth, share((f) => f.depth === depth) > 0.03]).toEqual([depth, true]);
    for (const feature of [
      'compositeKey',
      'partitioned',
      'selfReference',
      'nullableForeignKey',
      'multiplePaths',
      'sharedLookup',
      'sharedRows',
      'ambiguousRows',
    ] as const) {
      expect([feature, share((f) => f[feature]) > 0.1]).toEqual([feature, true]);
    }
    for (const action of ON_DELETE_ACTIONS) {
      expect([action, share((f) => f.onDelete.includes(action)) > 0.1]).toEqual([action, true]);
    }
    for (const type of TENANT_COLUMN_TYPES) {
      expect([type, samples.filter((s) => s.tenantType === type).length > 100]).toEqual([type, true]);
    }
  });

  it('only reference earlier tables or themselves, through keys that exist, never NULL where NOT NULL', () => {
    const problems: string[] = [];
    for (const schema of samples) {
      const seen = new Map<string, Set<string>>();
      for (const table of schema.tables) {
        const keys = table.rows.map((row) => keyText(row.key));
        if (new Set(keys).size !== keys.length) problems.push(`${table.name}: duplicate keys ${keys}`);
        table.rows.forEach((row, i) => {
          table.foreignKeys.forEach((fk, j) => {
            const ref = row.refs[j];
            const targetKeys = fk.target === table.name ? new Set(keys.slice(0, i)) : seen.get(fk.target);
            if (ref === null ? !fk.nullable : !targetKeys?.has(keyText(ref))) {
              problems.push(`${table.name} (${keyText(row.key)}) -> ${fk.target} (${ref})`);
            }
          });
        });
        seen.set(table.name, new Set(keys));
      }
    }
    expect(problems).toEqual([]);
  });

  it('give every row the owners of what it references through other tables (its parent row only when nothing else), and delete a tenant that has rows, among 3 or more', () => {
    const problems: string[] = [];
    for (const schema of samples) {
      if (schema.tenants.length < 3) problems.push(`tenants ${schema.tenants}`);
      const owners = new Map<string, string[]>();
      for (const table of schema.tables) {
        for (const row of table.rows) {
          const through = (self: boolean) =>
            row.refs.flatMap((ref, j) => {
              const target = table.foreignKeys[j].target;
              return ref === null || (target === table.name) !== self ? [] : owners.get(`${target}:${keyText(ref)}`)!;
            });
          // A self-reference decides only for a row that references nothing else.
          const referenced = through(false).length > 0 ? through(false) : through(true);
          const direct = row.tenant ? [row.tenant] : [];
          const expected = table.kind === 'direct' ? direct : [...new Set(referenced)].sort();
          if (row.owners.join() !== expected.join())
            problems.push(`${table.name} (${keyText(row.key)}): ${row.owners}`);
          owners.set(`${table.name}:${keyText(row.key)}`, row.owners);
        }
      }
      const victimHasRows = [...owners.values()].some((list) => list.includes(schema.victim));
      const anyoneHasRows = [...owners.values()].some((list) => list.length > 0);
      if (victimHasRows !== anyoneHasRows) problems.push(`${schema.victim} has no rows`);
    }
    expect(problems).toEqual([]);
  });

  it('prints DDL and data a reader can paste into psql', () => {
    const schema = deleting(
      'acme',
      ['ACME', 'globex'],
      [
        table('direct0', {
          keyColumns: ['id', 'n'],
          tenantNullable: true,
          partitioned: true,
          rows: [
            { key: [1, 1], tenant: 'acme', refs: [], owners: ['acme'] },
            { key: [1, 2], tenant: 'globex', refs: [], owners: ['globex'] },
          ],
        }),
        table('child1', {
          foreignKeys: [
            { ...reference('direct0', 'direct0_'), columns: ['direct0_id', 'direct0_n'], targetColumns: ['id', 'n'] },
            { ...reference('child1', 'parent_'), onDelete: 'CASCADE' },
          ],
          rows: [
            { key: [1], refs: [[1, 1], null], owners: ['acme'] },
            { key: [2], refs: [[1, 2], [1]], owners: ['acme', 'globex'] },
          ],
        }),
      ],
    );
    expect(schemaDdl(schema)).toBe(
      [
        'CREATE TABLE direct0 (',
        '  id int NOT NULL,',
        '  n int NOT NULL,',
        '  tenant_id text,',
        '  PRIMARY KEY (id, n)',
        ') PARTITION BY HASH (id);',
        'CREATE TABLE direct0_p0 PARTITION OF direct0 FOR VALUES WITH (MODULUS 2, REMAINDER 0);',
        'CREATE TABLE direct0_p1 PARTITION OF direct0 FOR VALUES WITH (MODULUS 2, REMAINDER 1);',
        'CREATE TABLE child1 (',
        '  id int NOT NULL,',
        '  direct0_id int,',
        '  direct0_n int,',
        '  parent_id int,',
        '  PRIMARY KEY (id),',
        '  FOREIGN KEY (direct0_id, direct0_n) REFERENCES direct0 (id, n),',
        '  FOREIGN KEY (parent_id) REFERENCES child1 (id) ON DELETE CASCADE',
        ');',
      ].join('\n'),
    );
    expect(dataSql(schema)).toBe(
      [
        'INSERT INTO direct0 (id, n, tenant_id) VALUES',
        "  (1, 1, 'acme'), -- acme",
        "  (1, 2, 'globex'); -- globex",
        'INSERT INTO child1 (id, direct0_id, direct0_n, parent_id) VALUES',
        '  (1, 1, 1, NULL), -- acme',
        '  (2, 1, 2, 1); -- acme + globex',
      ].join('\n'),
    );
    // The shared row stays; it references the leaving row through a CASCADE self-reference, so no
    // deletion failure is foreseen: the cascade is the kit's to refuse at start-up, or the canary fails.
    expect(expectedDeletion(schema)).toEqual({
      gone: new Map([
        ['direct0', new Set(['1,1'])],
        ['child1', new Set(['1'])],
      ]),
      mayFail: [],
    });
  });

  it('foresee a failed deletion when a staying row blocks a leaving one, or a row is reached only through its self-reference', () => {
    const schema = deleting(
      'acme',
      ['globex', 'initech'],
      [
        table('direct0', {
          foreignKeys: [reference('direct0', 'parent_')],
          rows: [
            { key: [1], tenant: 'acme', refs: [null], owners: ['acme'] },
            { key: [2], tenant: 'globex', refs: [[1]], owners: ['globex'] },
          ],
        }),
        table('child1', {
          foreignKeys: [reference('direct0', 'direct0_'), reference('child1', 'parent_')],
          rows: [
            { key: [1], refs: [[1], null], owners: ['acme'] },
            { key: [2], refs: [null, [1]], owners: ['acme'] },
          ],
        }),
      ],
    );
    expect(expectedDeletion(schema).mayFail).toEqual([
      'direct0 (2) stays but references direct0 (1)',
      "child1 (2) is the tenant's only through its self-reference",
    ]);
  });
});

function deleting(victim: string, others: string[], tables: TableSpec[]): RandomSchema {
  return { tenantType: 'text', tenants: [victim, ...others], victim, tables };
}

/** A hand-written table: its kind is read from its name, the rest defaults to a plain one with key `id`. */
function table(name: string, fields: Partial<TableSpec>): TableSpec {
  const kind = name.replace(/\d+$/, '') as TableKind;
  return {
    name,
    kind,
    keyColumns: ['id'],
    tenantNullable: false,
    partitioned: false,
    foreignKeys: [],
    rows: [],
    ...fields,
  };
}

function reference(target: string, prefix: string): ForeignKeySpec {
  return { target, columns: [`${prefix}id`], targetColumns: ['id'], nullable: true, onDelete: 'NO ACTION' };
}
