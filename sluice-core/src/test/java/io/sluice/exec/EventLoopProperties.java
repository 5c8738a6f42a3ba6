package io.sluice.exec;

import io.sluice.Await;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.constraints.IntRange;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The event loop under concurrent producers: 1–6 producer threads offer to 1–3 inboxes and trigger a guard
 * condition while the loop runs on its own thread and sleeps whenever it runs dry. Every event is handled exactly
 * once, in its producer's order, and no wake-up is lost (the run ends with everything handled, or stops making
 * progress and fails). The guard's handler runs at least once after the last trigger.
 *
 * <p>jqwik does not honour JUnit's {@code @Timeout}: a try fails when its events stop being handled for
 * {@link Await#HANG}, which turns a lost wake-up (a hang) into a failure however slowly a loaded machine runs the
 * try; nothing here asserts speed.
 */
class EventLoopProperties {
    record Event(int producer, int index) { }

    @Property(tries = 25, shrinking = ShrinkingMode.OFF)
    void everyEventOnceInEachProducersOrder(@ForAll @IntRange(min = 1, max = 6) int producers,
                                            @ForAll @IntRange(min = 1, max = 3) int inboxes,
                                            @ForAll @IntRange(min = 1, max = 3_000) int perProducer,
                                            @ForAll @IntRange(min = 2, max = 64) int capacity,
                                            @ForAll @IntRange(min = 1, max = 16) int burst) throws Exception {
        int[] next = new int[producers];
        int[] outOfOrder = new int[1];
        long[] handled = new long[1];
        AtomicBoolean lastTriggerDone = new AtomicBoolean();
        AtomicBoolean guardAfterLast = new AtomicBoolean();
        ExecutorOptions options = ExecutorOptions.defaults().withName("property").withBurst(burst)
            .withErrorHandler((role, error) -> { throw new AssertionError(role, error); });
        try (Executor loop = Executor.eventLoop(options)) {
            List<Inbox<Event>> targets = new ArrayList<>();
            for (int i = 0; i < inboxes; i++) {
                targets.add(loop.inbox("inbox-" + i, capacity, event -> {
                    // one thread runs every callback: plain fields are safe here
                    if (event.index() != next[event.producer()]) {
                        outOfOrder[0]++;
                    }
                    next[event.producer()] = event.index() + 1;
                    handled[0]++;
                }));
            }
            GuardCondition guard = loop.guardCondition("guard", () -> {
                if (lastTriggerDone.get()) {
                    guardAfterLast.set(true);
                }
            });
            loop.start();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int producer = p;
                // one producer's events all go to one inbox, so "in order per producer" is per inbox too
                Inbox<Event> inbox = targets.get(p % inboxes);
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < perProducer; i++) {
                        Event event = new Event(producer, i);
                        while (!inbox.offer(event)) {
                            if (stop.get()) {
                                return;
                            }
                            Thread.yield();
                        }
                        if ((i & 63) == 0) {
                            guard.trigger();
                        }
                    }
                }));
            }
            long expected = (long) producers * perProducer;
            Await.Progress progress = new Await.Progress();
            try {
                for (int round = 0; ; round++) {
                    long done = targets.stream().mapToLong(Inbox::handledCount).sum();
                    if (!lastTriggerDone.get() && threads.stream().noneMatch(Thread::isAlive)) {
                        lastTriggerDone.set(true);
                        guard.trigger();
                    }
                    if (done == expected && guardAfterLast.get()) {
                        break;
                    }
                    // a lost wake-up stops the handling (the producers then wait on full inboxes): no progress
                    progress.check(done + (guardAfterLast.get() ? 1 : 0), () -> "handled " + done + " of "
                        + expected + " events, guard ran after the last trigger: " + guardAfterLast.get());
                    Await.pause(round);
                }
            } finally {
                stop.set(true);
                for (Thread thread : threads) {
                    thread.join(Await.HANG.toMillis());
                }
            }
            loop.close(Shutdown.DRAIN, Duration.ofSeconds(10));
            assertEquals(expected, handled[0], "events handled");
            assertEquals(0, outOfOrder[0], "events out of their producer's order");
            assertTrue(guardAfterLast.get(), "the guard ran after its last trigger");
        }
    }
}
