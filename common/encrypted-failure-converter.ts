import { DefaultFailureConverter } from '@temporalio/common';

/**
 * Failure messages and stack traces moved into a payload (`encodedAttributes`), so the payload codec encrypts
 * them too: our failures name tenants and instances. Loaded by path (`failureConverterPath`) because workers run
 * it inside the workflow sandbox as well, so this file must stay deterministic and import nothing but
 * `@temporalio/common`.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
