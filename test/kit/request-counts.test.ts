import { RequestCounts } from '../../services/kit/request-counts';

describe("the kit's request counts", () => {
  it('counts by method and path, without the query', () => {
    const counts = new RequestCounts();
    counts.record('DELETE', '/api/v1/orders/tenant/t-1');
    counts.record('GET', '/api/v1/orders/deletions/j-1');
    counts.record('GET', '/api/v1/orders/deletions/j-1?wait=1');
    expect(counts.snapshot()).toEqual({
      'DELETE /api/v1/orders/tenant/t-1': 1,
      'GET /api/v1/orders/deletions/j-1': 2,
    });
  });

  it('forgets the least recently requested paths beyond its bound', () => {
    const counts = new RequestCounts(2);
    counts.record('GET', '/a');
    counts.record('GET', '/b');
    counts.record('GET', '/a');
    counts.record('GET', '/c');
    expect(counts.snapshot()).toEqual({ 'GET /a': 2, 'GET /c': 1 });
  });
});
