import { unavailable } from './api-errors';

export { isDeadlineExceeded, isUnreachable } from '../../common/temporal-failures';

export const temporalUnreachable = () => unavailable('Temporal is unreachable; retry');
