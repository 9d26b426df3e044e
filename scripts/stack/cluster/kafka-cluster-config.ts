/**
 * The three-node KRaft cluster of the cluster profile. Each node is broker and controller at once: three JVMs
 * instead of six on a laptop, and a quorum of three controllers still survives the loss of any one node, which is
 * the fault the chaos suite injects. The first node's broker port is the dev profile's, so KAFKA_BROKERS stays.
 */
export interface KafkaNode {
  id: number;
  brokerPort: number;
  controllerPort: number;
}

export const KAFKA_NODES: readonly KafkaNode[] = [
  { id: 1, brokerPort: 9092, controllerPort: 9093 },
  { id: 2, brokerPort: 9094, controllerPort: 9095 },
  { id: 3, brokerPort: 9096, controllerPort: 9097 },
];

export const REPLICATION_FACTOR = 3;
/** With RF 3, a write acknowledged by all in-sync replicas survives one broker's loss and still needs two copies. */
export const MIN_INSYNC_REPLICAS = 2;

export function brokerAddresses(nodes: readonly KafkaNode[] = KAFKA_NODES): string[] {
  return nodes.map((node) => `localhost:${node.brokerPort}`);
}

export function nodeProperties(node: KafkaNode, dataDir: string, nodes: readonly KafkaNode[] = KAFKA_NODES): string {
  return [
    'process.roles=broker,controller',
    `node.id=${node.id}`,
    `controller.quorum.voters=${nodes.map((n) => `${n.id}@localhost:${n.controllerPort}`).join(',')}`,
    `listeners=PLAINTEXT://localhost:${node.brokerPort},CONTROLLER://localhost:${node.controllerPort}`,
    `advertised.listeners=PLAINTEXT://localhost:${node.brokerPort}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${dataDir}`,
    // Topics are part of the contract: a typo in a producer must fail, not create a new topic.
    'auto.create.topics.enable=false',
    'num.partitions=1',
    `default.replication.factor=${REPLICATION_FACTOR}`,
    `min.insync.replicas=${MIN_INSYNC_REPLICAS}`,
    // Kafka's internal topics (consumer offsets, transactions) are replicated like the contract's.
    `offsets.topic.replication.factor=${REPLICATION_FACTOR}`,
    `transaction.state.log.replication.factor=${REPLICATION_FACTOR}`,
    `transaction.state.log.min.isr=${MIN_INSYNC_REPLICAS}`,
    // A replica that fell behind never becomes leader: losing acknowledged writes is what the cluster is for avoiding.
    'unclean.leader.election.enable=false',
    'group.initial.rebalance.delay.ms=0',
    'log.retention.hours=168',
    '',
  ].join('\n');
}
