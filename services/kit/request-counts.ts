/**
 * How many requests each tenant route and job Location of the service received, by method and path
 * (`DELETE /api/v1/orders/tenant/t-1`, `GET /api/v1/orders/deletions/{jobId}`): what tests and chaos runs read to
 * prove what reached the service, such as one DELETE for a deletion whose worker died mid-poll. Counted once
 * authenticated, before the fault knobs, so a request a knob refused counts too. Served by `GET /admin/request-counts`.
 * Bounded: past `maxPaths` distinct paths the least recently requested ones are forgotten.
 */
export class RequestCounts {
  private readonly counts = new Map<string, number>();

  constructor(private readonly maxPaths = 10_000) {}

  record(method: string, url: string): void {
    const key = `${method} ${url.split('?')[0]}`;
    const count = (this.counts.get(key) ?? 0) + 1;
    // Re-inserted, so that the map's order is least recently requested first.
    this.counts.delete(key);
    this.counts.set(key, count);
    if (this.counts.size > this.maxPaths) this.counts.delete(this.counts.keys().next().value!);
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }
}
