import { logLevel } from 'kafkajs';
import { kafkaLogCreator } from '../../../common/logging/kafka-log';

describe('kafkaLogCreator', () => {
  it("writes kafkajs's entries as the program's JSON lines, at their level, with kafkajs's fields", () => {
    const lines: string[] = [];
    const log = kafkaLogCreator('tenant-deletion-worker', { write: (s: string) => lines.push(s) })(logLevel.WARN);
    const entry = { timestamp: '2026-12-01T18:24:27.376Z', logger: 'kafkajs', broker: 'localhost:9092' };
    log({ namespace: 'Connection', level: logLevel.ERROR, label: 'ERROR', log: { ...entry, message: 'refused' } });
    log({ namespace: 'Producer', level: logLevel.WARN, label: 'WARN', log: { ...entry, message: 'retrying' } });
    log({ namespace: 'Producer', level: logLevel.NOTHING, label: 'NOTHING', log: { ...entry, message: 'none' } });
    const parsed = lines.map((line) => JSON.parse(line));
    expect(parsed).toEqual([
      expect.objectContaining({ level: 50, name: 'tenant-deletion-worker', kafka: 'Connection', msg: 'refused' }),
      expect.objectContaining({ level: 40, kafka: 'Producer', broker: 'localhost:9092', msg: 'retrying' }),
    ]);
    expect(parsed[0]).not.toHaveProperty('logger');
    expect(parsed[0]).not.toHaveProperty('timestamp');
  });
});
