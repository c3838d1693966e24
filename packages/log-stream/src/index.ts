/**
 * Where Tollgate's log lines go: stdout in blocks of whole lines (at most PIPE_BUF, so processes sharing a pipe never
 * interleave), written so that a slow reader holds a thread-pool thread and never the event loop, with a bounded
 * backlog whose overflow is dropped and counted.
 *
 * Its own package because the server and the gateway both write their logs this way and neither may depend on the
 * other (the gateway installs without the server's packages). No dependency at all.
 */
export { type BlockSink, BoundedLogStream, type LogStreamOptions, sinkFor } from './bounded-log-stream.js';
export { flushWithin, openStdoutLogStream, type StdoutLogStreamOptions } from './stdout-log-stream.js';
