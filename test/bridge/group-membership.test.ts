import { KafkaJSProtocolError } from 'kafkajs';
import { isGroupMembershipLost } from '../../client/bridge/group-membership';

/** kafkajs's own error for a Kafka protocol error code, as a refused commit or heartbeat raises it. */
function protocolError(type: string, code: number): KafkaJSProtocolError {
  return new KafkaJSProtocolError({ type, code, retriable: false, message: type } as never);
}

describe('a lost group membership', () => {
  it.each([
    ['REBALANCE_IN_PROGRESS', 27],
    ['NOT_COORDINATOR_FOR_GROUP', 16],
    ['ILLEGAL_GENERATION', 22],
    ['UNKNOWN_MEMBER_ID', 25],
  ])('is recognised in a %s refusal, which no retry of the commit can overcome', (type, code) => {
    expect(isGroupMembershipLost(protocolError(type, code))).toBe(true);
  });

  it.each([
    ['GROUP_COORDINATOR_NOT_AVAILABLE', 15],
    ['REQUEST_TIMED_OUT', 7],
  ])('is not read into %s, which the same member may retry', (type, code) => {
    expect(isGroupMembershipLost(protocolError(type, code))).toBe(false);
  });

  it('is not read into errors that are not Kafka protocol errors', () => {
    expect(isGroupMembershipLost(new Error('UNKNOWN_MEMBER_ID'))).toBe(false);
    expect(isGroupMembershipLost(null)).toBe(false);
    expect(isGroupMembershipLost({ type: 7 })).toBe(false);
  });
});
