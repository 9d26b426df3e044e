import { offsetsPartitionFor, partitionMoveEvidence, splitServiceTypes } from './cluster-faults';

describe("the cluster chaos run's pure parts", () => {
  it("finds a group's __consumer_offsets partition as Kafka does, from Java's String.hashCode", () => {
    // "hello".hashCode() is 99162322 in Java.
    expect(offsetsPartitionFor('hello', 50)).toBe(99162322 % 50);
    // "polygenelubricants".hashCode() is Integer.MIN_VALUE, which Kafka's Utils.abs maps to 0.
    expect(offsetsPartitionFor('polygenelubricants', 50)).toBe(0);
    // A negative hash is negated, not masked: "bridge".hashCode() is -1380801655, so 1380801655 % 50.
    expect(offsetsPartitionFor('bridge', 50)).toBe(5);
  });

  it('splits the service types into two non-empty worker groups, every type in exactly one', () => {
    const [a, b] = splitServiceTypes(['pos', 'orders', 'sales', 'training', 'recipes']);
    expect(a.length).toBeGreaterThan(0);
    expect(b.length).toBeGreaterThan(0);
    expect([...a, ...b].sort()).toEqual(['orders', 'pos', 'recipes', 'sales', 'training']);
  });

  it('counts a partition move only when the survivor holds every partition both bridges held', () => {
    expect(partitionMoveEvidence([6, 6], [12]).ok).toBe(true);
    expect(partitionMoveEvidence([6, 6], [6, 6]).ok).toBe(false);
    expect(partitionMoveEvidence([12], [12]).ok).toBe(false);
    expect(partitionMoveEvidence([6, 6], [11]).ok).toBe(false);
  });
});
