package io.sluice.exec;

import io.sluice.Qos;
import io.sluice.Sample;
import io.sluice.Subscriber;
import io.sluice.os.FutexWaitable;
import io.sluice.os.Native;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs each consumer of a sensor stream on its own platform thread, at its own rate: the thread waits for a sample,
 * hands it to the consumer's handler, closes it, and waits again. With a {@link Qos#latest()} subscriber each
 * consumer always gets the newest sample it has not seen, and a slow one slows nobody else. The subscriber may come
 * from a {@link SensorMultiplexer} in this process or from {@code Sluice.subscriber(topic, type, Qos.latest())}
 * over shared memory: the code is the same.
 *
 * {@snippet :
 * try (SensorConsumers consumers = SensorConsumers.create(ErrorHandler.logging())) {
 *     consumers.consumer("control", depth.subscriber(), sample -> steer(sample.message()));      // fast
 *     consumers.consumer("viewer", sluice.subscriber("/depth", DEPTH, Qos.latest()),             // another process
 *         sample -> show(sample.message()));
 *     awaitShutdown();
 * }                                            // wakes and stops every consumer thread, at most 10 s
 * }
 * A handler that throws is reported to the {@link ErrorHandler} under the consumer's name, counted, and the loop
 * goes on with the next sample. A take that fails is reported and retried after a pause of
 * {@value #ERROR_PAUSE_MILLIS} ms (so that a broken subscriber does not spin), except for a subscriber closed
 * under its consumer: that is reported once and ends the consumer. Waiting uses no CPU: a consumer thread sleeps in the kernel on the
 * subscriber's futex word and on a stop word of its own at once, so {@link Registration#close()} wakes a thread
 * blocked waiting for a sample at once. (Subscribers of other kinds, or kernels without {@code futex_waitv}, wait
 * in {@code take(Duration)} slices of {@value #FALLBACK_SLICE_MILLIS} ms, which bounds how long a close waits.)
 *
 * <p>The runner does not close the subscribers given to it. What the publisher wrote before publishing a sample
 * happens-before the handler's reads of it.
 */
public final class SensorConsumers implements AutoCloseable {
    static final long ERROR_PAUSE_MILLIS = 10;
    static final long FALLBACK_SLICE_MILLIS = 50;
    private static final Duration FALLBACK_SLICE = Duration.ofMillis(FALLBACK_SLICE_MILLIS);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
    private static volatile boolean waitvSupported = true;

    private final ErrorHandler errors;
    private final AtomicLong errorCount = new AtomicLong();
    private final List<ConsumerThread<?>> threads = new ArrayList<>();
    private boolean closed;

    private SensorConsumers(ErrorHandler errors) {
        this.errors = Objects.requireNonNull(errors, "errors");
    }

    /** A runner that reports what handlers throw to {@code errors}. */
    public static SensorConsumers create(ErrorHandler errors) {
        return new SensorConsumers(errors);
    }

    /**
     * Starts a platform thread named {@code name} that hands every sample {@code subscriber} takes to
     * {@code handler} and closes it afterwards. Closing the returned registration stops that thread (at most 10 s).
     *
     * @throws IllegalStateException when the runner is closed
     */
    public synchronized <T> Registration consumer(String name, Subscriber<T> subscriber, SampleHandler<T> handler) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(subscriber, "subscriber");
        Objects.requireNonNull(handler, "handler");
        if (closed) {
            throw new IllegalStateException("runner closed: consumer=" + name);
        }
        ConsumerThread<T> consumer = new ConsumerThread<>(name, subscriber, handler);
        threads.add(consumer);
        consumer.thread.start();
        return consumer;
    }

    /** Sleeps of the consumer {@code registration} that a wake of a word ended, not a timeout (for tests). */
    static long wordWakes(Registration registration) {
        return ((ConsumerThread<?>) registration).wordWakes();
    }

    /** Errors of all consumers so far: handlers that threw, takes that failed. */
    public long errorCount() {
        return errorCount.get();
    }

    /**
     * Stops every consumer thread: a handler that is running finishes, none starts afterwards.
     *
     * @throws IllegalStateException when a thread did not stop within 10 s (a handler that does not return)
     */
    @Override
    public void close() {
        List<ConsumerThread<?>> stopping;
        synchronized (this) {
            closed = true;
            stopping = List.copyOf(threads);
        }
        for (ConsumerThread<?> consumer : stopping) {
            consumer.stop();
        }
        IllegalStateException stuck = null;
        for (ConsumerThread<?> consumer : stopping) {
            try {
                consumer.join(CLOSE_TIMEOUT);
            } catch (IllegalStateException e) {
                if (stuck == null) {
                    stuck = e;
                } else {
                    stuck.addSuppressed(e);
                }
            }
        }
        if (stuck != null) {
            throw stuck;
        }
    }

    private void report(String role, Throwable error) {
        errorCount.incrementAndGet();
        try {
            errors.onError(role, error);
        } catch (Throwable ignored) {
            // an error handler must not throw; if it does, the consumer goes on
        }
    }

    /** One consumer: its thread, its stop word, its counters. */
    private final class ConsumerThread<T> implements Registration, Runnable {
        private final String name;
        private final Subscriber<T> subscriber;
        private final SampleHandler<T> handler;
        private final FutexWaitable waitable;
        private final Wakeup stop = new Wakeup();
        private final Thread thread;
        private final MemorySegment waiters;
        private final MemorySegment timespec;
        private final MemorySegment state;
        private volatile boolean active = true;
        private volatile long handled;
        private volatile long dropped; // written by this thread only
        private volatile long wordWakes; // sleeps a wake of a word ended (written by this thread; read by tests)
        private long nextMaintenance = System.nanoTime(); // nanoTime may be negative: 0 could be far ahead

        ConsumerThread(String name, Subscriber<T> subscriber, SampleHandler<T> handler) {
            this.name = name;
            this.subscriber = subscriber;
            this.handler = handler;
            this.waitable = subscriber instanceof FutexWaitable futex ? futex : null;
            Arena arena = Arena.ofAuto();
            this.waiters = arena.allocate(2L * Native.FUTEX_WAITV_SIZE, 8);
            this.timespec = arena.allocate(16, 8);
            this.state = arena.allocate(Native.captureStateSize(), 8);
            this.thread = Thread.ofPlatform().name(name).unstarted(this);
        }

        @Override
        public void run() {
            while (active) {
                Sample<T> sample;
                try {
                    sample = next();
                } catch (IllegalStateException closed) {
                    report(name, closed); // the subscriber was closed under its consumer: say so once, end it
                    active = false;
                    return;
                } catch (Throwable error) {
                    report(name, error);
                    pause();
                    continue;
                }
                if (sample == null) {
                    continue;
                }
                if (active) {
                    handle(sample);
                } else {
                    dropped++; // taken while stopping: no handler starts after close; counted, not lost
                    try {
                        sample.close();
                    } catch (Throwable error) {
                        report(name, error);
                    }
                }
            }
        }

        private void handle(Sample<T> sample) {
            try {
                handler.onSample(sample);
            } catch (Throwable error) {
                report(name, error);
            } finally {
                handled++; // written by this thread only
                try {
                    sample.close();
                } catch (Throwable error) {
                    report(name, error);
                }
            }
        }

        /** The next sample, or null after a wait that ended without one (a stop, a timeout, a spurious wake). */
        private Sample<T> next() {
            if (waitable == null || !waitvSupported) {
                return subscriber.take(FALLBACK_SLICE);
            }
            int stopKey = stop.key(); // before the look: a stop after it changes the word and ends the wait
            Sample<T> sample = subscriber.take();
            if (sample != null || !active) {
                return sample;
            }
            long now = System.nanoTime();
            if (now - nextMaintenance >= 0) {
                waitable.maintain(now);
                nextMaintenance = now + FutexWaitable.MAINTENANCE_INTERVAL_NANOS;
            }
            int seen = waitable.armWait(); // announces the sleeper: a publish after it wakes the word
            try {
                sample = subscriber.take();
                if (sample != null || !active) {
                    return sample;
                }
                Native.futexWaitvEntry(waiters, 0, stop.word(), stopKey);
                Native.futexWaitvEntry(waiters, 1, waitable.waitWord(), seen);
                stop.enterWait();
                try {
                    if (Native.futexWaitv(waiters, 2, now + FutexWaitable.MAINTENANCE_INTERVAL_NANOS, timespec,
                        state) >= 0) {
                        wordWakes++;
                    }
                } catch (UnsupportedOperationException e) {
                    waitvSupported = false;
                } finally {
                    stop.exitWait();
                }
            } finally {
                waitable.disarmWait();
            }
            return null;
        }

        private void pause() {
            int key = stop.key();
            if (active) {
                stop.await(key, ERROR_PAUSE_MILLIS * 1_000_000L);
            }
        }

        void stop() {
            active = false;
            stop.signal();
        }

        void join(Duration timeout) {
            if (thread == Thread.currentThread()) {
                return; // closed by its own handler: the loop ends after it
            }
            try {
                if (!thread.join(timeout)) {
                    throw new IllegalStateException("consumer did not stop within " + timeout + ": consumer="
                        + name);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Sleeps of this consumer that a wake of its subscriber's word or its stop word ended. */
        long wordWakes() {
            return wordWakes;
        }

        @Override
        public String role() {
            return name;
        }

        @Override
        public long handledCount() {
            return handled;
        }

        @Override
        public long droppedCount() {
            return dropped;
        }

        @Override
        public boolean isActive() {
            return active;
        }

        @Override
        public void close() {
            stop();
            join(CLOSE_TIMEOUT);
            synchronized (SensorConsumers.this) {
                threads.remove(this);
            }
        }
    }
}
