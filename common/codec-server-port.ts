/** Where the codec server listens unless told otherwise: the server reads it, and the local stack's Web UI calls it. */
export const DEFAULT_CODEC_SERVER_PORT = 8081;
