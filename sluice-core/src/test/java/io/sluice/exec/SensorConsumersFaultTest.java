package io.sluice.exec;

import io.sluice.Await;
import io.sluice.Qos;
import io.sluice.Sample;
import io.sluice.Subscriber;
import io.sluice.os.FutexWaitable;
import io.sluice.os.Native;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@link SensorConsumers} promises when its subscriber misbehaves, over a subscriber the test scripts: a take
 * that fails is reported and retried after a pause; a subscriber closed under its consumer is reported once and
 * ends that consumer; a sample whose close fails is reported and the loop goes on; a consumer waiting on a
 * {@link FutexWaitable} keeps its upkeep going while it sleeps and withdraws every announcement of a sleeper.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SensorConsumersFaultTest {
    private final List<String> reported = Collections.synchronizedList(new ArrayList<>());

    private SensorConsumers consumers() {
        return SensorConsumers.create((role, error) -> reported.add(role + ": " + error.getMessage()));
    }

    @Test
    void shouldReportEachFailedTakeAndGoOnTaking() {
        for (boolean futex : new boolean[] {false, true}) {
            reported.clear();
            ScriptedSubscriber subscriber = futex ? new FutexSubscriber() : new ScriptedSubscriber();
            try (SensorConsumers consumers = consumers()) {
                List<Long> handled = Collections.synchronizedList(new ArrayList<>());
                Registration registration = consumers.consumer("broken-" + futex, subscriber,
                    sample -> handled.add(sample.sequence()));
                subscriber.offer(new IllegalArgumentException("damaged 1"));
                subscriber.offer(new IllegalArgumentException("damaged 2"));
                subscriber.offer(new ScriptedSample(7));
                Await.until("the sample after two failed takes was handled", () -> registration.handledCount() == 1);
                assertEquals(List.of(7L), handled);
                assertEquals(List.of("broken-" + futex + ": damaged 1", "broken-" + futex + ": damaged 2"), reported,
                    "futex=" + futex);
                assertEquals(2, consumers.errorCount());
                assertTrue(registration.isActive(), "a failed take does not end the consumer");
            }
            assertEquals(0, subscriber.armed.get(), "every announcement of a sleeper withdrawn, futex=" + futex);
        }
    }

    /**
     * A subscriber that keeps failing does not make its consumer spin: it pauses between tries, in a wait its stop
     * word ends. (Sleeping in the kernel alone would not tell: a spinning thread that allocates sleeps at safepoints.)
     */
    @Test
    void shouldPauseBetweenTakesThatKeepFailing() {
        ScriptedSubscriber subscriber = new ScriptedSubscriber();
        subscriber.failEveryTake(new IllegalArgumentException("broken for good"));
        try (SensorConsumers consumers = consumers()) {
            Registration registration = consumers.consumer("failing", subscriber, sample -> { });
            Await.until("a few takes failed", () -> consumers.errorCount() >= 3);
            Await.inCall(Await.threadsNamed("failing").getFirst(), Wakeup.class, "await");
            assertTrue(registration.isActive());
        }
        assertTrue(reported.stream().allMatch(line -> line.equals("failing: broken for good")), reported::toString);
    }

    @Test
    void shouldEndAConsumerWhoseSubscriberWasClosedAndSaySoOnce() {
        for (boolean futex : new boolean[] {false, true}) {
            reported.clear();
            ScriptedSubscriber subscriber = futex ? new FutexSubscriber() : new ScriptedSubscriber();
            try (SensorConsumers consumers = consumers()) {
                Registration registration = consumers.consumer("closer-" + futex, subscriber,
                    sample -> subscriber.close()); // on the consumer's thread, the one thread a subscriber has
                subscriber.offer(new ScriptedSample(1));
                Await.until("the consumer ended", () -> !registration.isActive());
                Thread thread = Await.threadsNamed("closer-" + futex).stream().findFirst().orElse(null);
                if (thread != null) {
                    Await.until("its thread ended", () -> !thread.isAlive());
                }
                assertEquals(List.of("closer-" + futex + ": subscriber closed"), reported, "futex=" + futex);
                assertEquals(1, consumers.errorCount());
                assertEquals(1, registration.handledCount());
            }
            assertEquals(0, subscriber.armed.get(), "futex=" + futex);
        }
    }

    @Test
    void shouldReportASampleWhoseCloseFailsAndGoOn() {
        ScriptedSubscriber subscriber = new FutexSubscriber();
        try (SensorConsumers consumers = consumers()) {
            List<Long> handled = Collections.synchronizedList(new ArrayList<>());
            Registration registration = consumers.consumer("sticky", subscriber,
                sample -> handled.add(sample.sequence()));
            ScriptedSample sticky = new ScriptedSample(1);
            sticky.failClose = true;
            ScriptedSample next = new ScriptedSample(2);
            subscriber.offer(sticky);
            subscriber.offer(next);
            Await.until("both samples were handled", () -> registration.handledCount() == 2);
            assertEquals(List.of(1L, 2L), handled);
            assertEquals(List.of("sticky: cannot release 1"), reported);
            assertEquals(1, consumers.errorCount());
            assertTrue(next.closed, "the sample after it was closed as usual");
        }
    }

    /**
     * A consumer asleep on a futex word still does its subscriber's upkeep (the liveness probes that notice a dead
     * publisher) while nothing comes, and is asleep in the kernel in between rather than spinning. When it stops,
     * no announcement of a sleeper is left on the word.
     */
    @Test
    void shouldKeepItsSubscribersUpkeepGoingWhileAsleep() {
        FutexSubscriber subscriber = new FutexSubscriber();
        long start = System.nanoTime();
        try (SensorConsumers consumers = consumers()) {
            Registration registration = consumers.consumer("upkeep", subscriber, sample -> { });
            Await.until("upkeep ran three times while nothing came", () -> subscriber.maintained.get() >= 3);
            Await.asleepInKernel(Await.threadsNamed("upkeep").getFirst());
            subscriber.offer(new ScriptedSample(1));
            Await.until("a sample offered to the sleeper was handled", () -> registration.handledCount() == 1);
            Await.asleepInKernel(Await.threadsNamed("upkeep").getFirst()); // asleep again after the sample
            long before = subscriber.maintained.get();
            Await.until("upkeep goes on after the sample", () -> subscriber.maintained.get() > before);
        }
        assertEquals(0, subscriber.armed.get(), "every announcement of a sleeper withdrawn");
        assertTrue(subscriber.mostArmed.get() <= 1, "one announcement at a time: " + subscriber.mostArmed.get());
        long last = subscriber.lastMaintained.get();
        assertTrue(last - start > 0 && System.nanoTime() - last > 0, "upkeep is given the time of System.nanoTime()");
        assertEquals(List.of(), reported);
    }

    /**
     * A sample offered while the consumer sleeps ends that sleep by a wake of the subscriber's word, not by the
     * upkeep timeout that would also serve it, 50 ms late (see {@code WakeTest}): of several rounds, at least one.
     */
    @Test
    void shouldBeWokenThroughTheSubscribersWord() {
        FutexSubscriber subscriber = new FutexSubscriber();
        try (SensorConsumers consumers = consumers()) {
            Registration registration = consumers.consumer("woken", subscriber, sample -> { });
            int wakes = 0;
            for (int round = 1; round <= 5; round++) {
                Await.asleepInKernel(Await.threadsNamed("woken").getFirst());
                long before = SensorConsumers.wordWakes(registration);
                subscriber.offer(new ScriptedSample(round));
                long expected = round;
                Await.until("round " + round + " handled", () -> registration.handledCount() == expected);
                wakes += SensorConsumers.wordWakes(registration) > before ? 1 : 0;
            }
            assertTrue(wakes > 0, "none of 5 samples woke the sleeping consumer (a lost wake-up)");
        }
        assertEquals(List.of(), reported);
    }

    /** A sample taken while its consumer stops is not handed to the handler: it is closed and counted. */
    @Test
    void shouldCountASampleTakenWhileStopping() {
        ScriptedSubscriber subscriber = new FutexSubscriber();
        try (SensorConsumers consumers = consumers()) {
            AtomicInteger handled = new AtomicInteger();
            Registration registration = consumers.consumer("stopping", subscriber, sample -> handled.incrementAndGet());
            subscriber.beforeNextTake = registration::close; // on the consumer's thread: the close returns at once
            ScriptedSample sample = new ScriptedSample(1);
            subscriber.offer(sample);
            Await.until("the consumer stopped", () -> !registration.isActive());
            Await.until("the sample was closed", () -> sample.closed);
            assertEquals(0, handled.get(), "no handler starts once the consumer stops");
            assertEquals(1, registration.droppedCount());
            assertEquals(0, registration.handledCount());
        }
        assertEquals(List.of(), reported);
    }

    /** A sample the test hands out. */
    static final class ScriptedSample implements Sample<MemorySegment> {
        private final long sequence;
        volatile boolean failClose;
        volatile boolean closed;

        ScriptedSample(long sequence) {
            this.sequence = sequence;
        }

        @Override
        public MemorySegment message() {
            return MemorySegment.NULL;
        }

        @Override
        public MemorySegment segment() {
            return MemorySegment.NULL;
        }

        @Override
        public long sequence() {
            return sequence;
        }

        @Override
        public long publishNanos() {
            return 0;
        }

        @Override
        public int publisherIndex() {
            return 0;
        }

        @Override
        public void close() {
            closed = true;
            if (failClose) {
                throw new IllegalStateException("cannot release " + sequence);
            }
        }
    }

    /**
     * A subscriber whose takes hand out, in order, what the test offered: a sample, or an exception to throw. Closed,
     * its takes throw {@link IllegalStateException} as a real subscriber's do. Not a {@link FutexWaitable}: its
     * consumer waits in {@code take(Duration)} slices.
     */
    static class ScriptedSubscriber implements Subscriber<MemorySegment> {
        static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

        final ConcurrentLinkedQueue<Object> script = new ConcurrentLinkedQueue<>();
        final MemorySegment word = Arena.ofAuto().allocate(4, 4);
        final AtomicInteger armed = new AtomicInteger();
        volatile RuntimeException always;
        /** Run by the take that gets the next offered item, before it returns it. */
        volatile Runnable beforeNextTake;
        volatile boolean closed;

        void offer(Object sampleOrFailure) {
            script.add(sampleOrFailure);
            INT.getAndAdd(word, 0L, 1);
            Native.futexWakeAll(word);
        }

        void failEveryTake(RuntimeException failure) {
            always = failure;
        }

        @Override
        public String topic() {
            return "/scripted";
        }

        @Override
        public Qos qos() {
            return Qos.latest();
        }

        @Override
        public Sample<MemorySegment> take() {
            if (closed) {
                throw new IllegalStateException("subscriber closed");
            }
            if (always != null) {
                throw always;
            }
            Object next = script.poll();
            Runnable hook = beforeNextTake; // set before the offer: the take that gets the offer sees it
            if (next != null && hook != null) {
                beforeNextTake = null;
                hook.run();
            }
            if (next instanceof RuntimeException failure) {
                throw failure;
            }
            return (ScriptedSample) next;
        }

        @Override
        public Sample<MemorySegment> take(Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                Sample<MemorySegment> sample = take();
                if (sample != null || System.nanoTime() - deadline >= 0) {
                    return sample;
                }
                LockSupport.parkNanos(1_000_000);
            }
        }

        @Override
        public Sample<MemorySegment> latest() {
            return null;
        }

        @Override
        public long lostCount() {
            return 0;
        }

        @Override
        public int publisherCount() {
            return 1;
        }

        @Override
        public void close() {
            closed = true;
            INT.getAndAdd(word, 0L, 1);
            Native.futexWakeAll(word);
        }
    }

    /** The scripted subscriber with the futex protocol: its word changes and is woken at each offer. */
    static final class FutexSubscriber extends ScriptedSubscriber implements FutexWaitable {
        final AtomicInteger mostArmed = new AtomicInteger();
        final AtomicLong maintained = new AtomicLong();
        final AtomicLong lastMaintained = new AtomicLong();

        @Override
        public MemorySegment waitWord() {
            return word;
        }

        @Override
        public int armWait() {
            int seen = (int) INT.getAcquire(word, 0L);
            mostArmed.accumulateAndGet(armed.incrementAndGet(), Math::max);
            return seen;
        }

        @Override
        public void disarmWait() {
            armed.decrementAndGet();
        }

        @Override
        public void maintain(long nowNanos) {
            lastMaintained.set(nowNanos);
            maintained.incrementAndGet();
        }
    }
}
