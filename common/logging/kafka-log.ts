import type pino from 'pino';
import { logLevel, type logCreator } from 'kafkajs';
import { programLogger } from './program-logger';

const PINO_LEVEL: Partial<Record<logLevel, pino.Level>> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * kafkajs's lines (it keeps WARN and above: common/kafka-client.ts) as the program's JSON lines on stdout, instead of
 * kafkajs's own JSON shape on stderr. Named for the Kafka client id, with kafkajs's namespace and fields.
 */
export function kafkaLogCreator(clientId: string, destination?: pino.DestinationStream): logCreator {
  return () => {
    const logger = programLogger(clientId, process.env, {}, destination);
    return ({ namespace, level, log }) => {
      const pinoLevel = PINO_LEVEL[level];
      if (pinoLevel === undefined) return;
      // kafkajs's own timestamp and logger name repeat what pino writes.
      const { message, timestamp: _timestamp, logger: _logger, ...fields } = log;
      logger[pinoLevel]({ kafka: namespace, ...fields }, message);
    };
  };
}
