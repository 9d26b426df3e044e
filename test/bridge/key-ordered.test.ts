import pLimit from 'p-limit';
import { inKeyOrder } from '../../client/bridge/key-ordered';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('inKeyOrder', () => {
  it('keeps the order of items that share a key and runs different keys side by side', async () => {
    const items = ['a1', 'b1', 'a2', 'c1', 'b2', 'a3'];
    const started: string[] = [];
    const finished: string[] = [];
    let running = 0;
    let peak = 0;
    await inKeyOrder(
      items,
      (item) => item[0],
      pLimit(10),
      async (item) => {
        started.push(item);
        running += 1;
        peak = Math.max(peak, running);
        // Later items of a key finish sooner: only the key's own sequencing can keep their order.
        for (let i = 0; i < 4 - Number(item[1]); i++) await tick();
        running -= 1;
        finished.push(item);
      },
    );
    for (const key of ['a', 'b', 'c']) {
      expect(finished.filter((item) => item[0] === key)).toEqual(items.filter((item) => item[0] === key));
    }
    expect(peak).toBe(3);
    expect(started.slice(0, 3).sort()).toEqual(['a1', 'b1', 'c1']);
  });

  it('never runs more than the shared limit at once, across callers', async () => {
    const limit = pLimit(2);
    let running = 0;
    let peak = 0;
    const work = async () => {
      running += 1;
      peak = Math.max(peak, running);
      await tick();
      running -= 1;
    };
    const keys = (prefix: string) => Array.from({ length: 5 }, (_, i) => `${prefix}${i}`);
    await Promise.all([
      inKeyOrder(keys('x'), (item) => item, limit, work),
      inKeyOrder(keys('y'), (item) => item, limit, work),
    ]);
    expect(peak).toBe(2);
  });

  it('waits for every item before it throws the first failure', async () => {
    const done: string[] = [];
    const outcome = inKeyOrder(
      ['bad', 'slow'],
      (item) => item,
      pLimit(5),
      async (item) => {
        if (item === 'bad') throw new Error('bad item');
        for (let i = 0; i < 5; i++) await tick();
        done.push(item);
      },
    );
    await expect(outcome).rejects.toThrow('bad item');
    expect(done).toEqual(['slow']);
  });

  it('stops a key at its first failure and leaves its later items undone', async () => {
    const done: string[] = [];
    await expect(
      inKeyOrder(
        ['k1', 'k2'],
        () => 'k',
        pLimit(5),
        async (item) => {
          if (item === 'k1') throw new Error('first failed');
          done.push(item);
        },
      ),
    ).rejects.toThrow('first failed');
    expect(done).toEqual([]);
  });
});
