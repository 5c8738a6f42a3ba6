package io.sluice.it;

import io.sluice.Await;
import io.sluice.Sample;
import io.sluice.Subscriber;
import io.sluice.WaitStrategy;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How a subscriber waits for its first sample while a test makes its publisher die: it must notice the death while
 * it waits, without any call that probes at once.
 */
public enum Waiting {
    /** take() again and again, never waiting: probes every 50 ms. */
    TAKING(WaitStrategy.block()),
    /** One take(timeout) that spins: probes every 50 ms. */
    SPINNING(WaitStrategy.spin()),
    /** One take(timeout) that spins, yields, then parks. */
    BACKING_OFF(WaitStrategy.backoff()),
    /** One take(timeout) asleep in the kernel: wakes to probe at the latest 100 ms after the last sign of life. */
    SLEEPING(WaitStrategy.block());

    public final WaitStrategy strategy;

    Waiting(WaitStrategy strategy) {
        this.strategy = strategy;
    }

    /** A thread waiting in {@code subscriber.take} for one sample; {@link #close} ends a {@link #TAKING} loop. */
    public static final class Waiter implements AutoCloseable {
        public final Thread thread;
        /** The sequence of the first sample taken, or null when the wait ended with none. */
        public final CompletableFuture<Long> firstTaken = new CompletableFuture<>();
        private final AtomicBoolean stop = new AtomicBoolean();

        private Waiter(Waiting waiting, Subscriber<MemorySegment> subscriber) {
            thread = Thread.ofPlatform().daemon().name("dead-" + waiting.name().toLowerCase()).start(() -> {
                try {
                    Sample<MemorySegment> sample = null;
                    if (waiting == TAKING) {
                        while (sample == null && !stop.get()) {
                            sample = subscriber.take();
                            Thread.onSpinWait();
                        }
                    } else {
                        // one wait, longer than a test waits for the notice: the death must be noticed within it
                        sample = subscriber.take(Await.HANG.multipliedBy(2));
                    }
                    try (Sample<MemorySegment> taken = sample) {
                        firstTaken.complete(taken == null ? null : taken.sequence());
                    }
                } catch (Throwable e) {
                    firstTaken.completeExceptionally(e);
                }
            });
            Await.inCall(thread, subscriber.getClass(), "take");
            if (waiting == SLEEPING) {
                Await.asleepInKernel(thread);
            }
        }

        /** What the wait ended with, for a failure message. */
        public String outcome() {
            return firstTaken.isCompletedExceptionally() ? String.valueOf(firstTaken.exceptionNow())
                : "took " + firstTaken.resultNow();
        }

        @Override
        public void close() {
            stop.set(true); // a failed test leaves a waiting daemon thread: closing the subscriber ends its wait
        }
    }

    /** Starts a thread waiting in {@code subscriber} as this says, and returns once it waits so. */
    public Waiter start(Subscriber<MemorySegment> subscriber) {
        return new Waiter(this, subscriber);
    }
}
