// How much of a response body is kept, and how much is read at all. Shared by the HTTP exchange, which applies the
// limits, and by the response check, which says in its message when one of them was reached.

/** The report keeps the first MiB of a body: enough to show any error envelope, small enough to attach anywhere. */
export const KEPT_BODY_BYTES = 1024 * 1024;

/**
 * Past this many bytes the exchange stops reading and closes the connection. Every byte up to here is counted, so
 * any real answer is measured exactly, while memory stays bounded by this figure rather than by how often V8 happens
 * to free the socket's buffers; an endless body ends the check instead of waiting for the timeout.
 */
export const READ_BODY_BYTES = 8 * 1024 * 1024;

/** True when the exchange stopped reading before the body ended. */
export const readStopped = (bodyBytes: number): boolean => bodyBytes > READ_BODY_BYTES;
