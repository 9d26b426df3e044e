import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTES, type SearchAttributeName } from '@tenant-deletion/contract';

const { IndexedValueType } = temporal.api.enums.v1;

/**
 * Lists the contract's search attributes that the namespace lacks or holds with another type,
 * so a worker or the stack can refuse to run with a message that says which.
 */
export async function missingSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const registered = customAttributes ?? {};
  return (Object.keys(SEARCH_ATTRIBUTES) as SearchAttributeName[]).flatMap((name) => {
    const expected = SEARCH_ATTRIBUTES[name];
    const actual = registered[name];
    if (actual === undefined) return [`${name} (${expected}) is not registered`];
    const actualName = IndexedValueType[actual]?.replace('INDEXED_VALUE_TYPE_', '') ?? String(actual);
    return actualName === expected.toUpperCase() ? [] : [`${name} is ${actualName}, expected ${expected}`];
  });
}
