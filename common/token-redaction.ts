/**
 * The DLQ keeps each refused message for whoever investigates it, and many more people and tools read the DLQ and
 * the logs than may act as the requester: a token copied there would let any of them replay it until it expires. So
 * every token is taken out of the copy: the `authorization` field's value (whatever it holds), and anything else
 * shaped like a signed JWT, wherever it sits in the text (a misnamed field, a message that is not even JSON). The rest
 * of the text stays byte for byte as it came, so that the record still shows what was wrong with it.
 */

export const REDACTED = '[REDACTED]';

/** A JSON string value of a key named authorization, in any case, as a JSON encoder writes it. */
const AUTHORIZATION_FIELD = /("authorization"\s*:\s*)"(?:[^"\\]|\\.)*"/gi;

/**
 * Runs of the characters a compact JWS is made of. Matched as whole runs, not with a JWT pattern, so that a long
 * run without dots (a padded message) costs one pass instead of a backtracking search from every position.
 */
const BASE64URL_RUN = /[A-Za-z0-9_.-]+/g;

export function redactTokens(text: string): string {
  return text
    .replace(AUTHORIZATION_FIELD, (_field, name: string) => `${name}"${REDACTED}"`)
    .replace(BASE64URL_RUN, redactJwsIn);
}

/** A run `….header.payload.signature…` loses the three segments from the one that decodes to a JWS header. */
function redactJwsIn(run: string): string {
  const segments = run.split('.');
  if (segments.length < 3) return run;
  const kept: string[] = [];
  for (let i = 0; i < segments.length; i++) {
    if (i + 2 < segments.length && isJwsHeader(segments[i])) {
      kept.push(REDACTED);
      i += 2;
    } else {
      kept.push(segments[i]);
    }
  }
  return kept.join('.');
}

function isJwsHeader(segment: string): boolean {
  if (segment.length < 8) return false;
  try {
    const header: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof header === 'object' && header !== null && 'alg' in header;
  } catch {
    return false;
  }
}
