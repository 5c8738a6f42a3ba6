/**
 * The operating-system layer under the transport and the executors: the system calls Java lacks, reached through the
 * FFM linker ({@code Native}: open with checks, mmap, OFD locks, futex, futex_waitv, statx), the futex-word protocol an
 * executor sleeps on ({@code FutexWaitable}) and the per-process doorbell files that wake one executor for many
 * topics ({@code Doorbell}, {@code BellRinger}). It knows nothing of topics, segments or messages; {@code io.sluice.shm}
 * and {@code io.sluice.exec} use it. Internal: the module does not export it.
 */
package io.sluice.os;
