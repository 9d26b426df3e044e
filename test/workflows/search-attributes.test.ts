import { SEARCH_ATTRIBUTES } from '@tenant-deletion/contract';
import { SEARCH_ATTRIBUTE_KEYS } from '@tenant-deletion/client/search-attributes';

describe('SEARCH_ATTRIBUTE_KEYS', () => {
  it("are the contract's search attributes, with the contract's types", () => {
    expect(Object.fromEntries(SEARCH_ATTRIBUTE_KEYS.map((key) => [key.name, key.type]))).toEqual(
      Object.fromEntries(Object.entries(SEARCH_ATTRIBUTES).map(([name, type]) => [name, type.toUpperCase()])),
    );
  });
});
