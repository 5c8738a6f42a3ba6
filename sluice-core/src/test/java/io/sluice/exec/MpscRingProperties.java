package io.sluice.exec;

import io.sluice.Await;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Properties of the ring: against a sequential model (an {@link ArrayDeque} bounded by the capacity) under random
 * single-threaded operations, and with 2–8 real producer threads offering concurrently (retrying when full) while
 * the consumer polls or drains: every event is delivered exactly once, in order per producer, with the fields the
 * producer wrote before {@code offer} visible to the consumer.
 *
 * <p>A lost event is found as soon as it is certain: every producer has returned from its last {@code offer}, yet the
 * ring is empty before the consumer has received everything. jqwik does not honour JUnit's {@code @Timeout}, so a
 * try that stops making progress (no event received for {@link Await#HANG}) fails and stops its producers; however
 * slowly a loaded machine runs a try, it passes as long as events keep arriving. Nothing here asserts speed.
 */
class MpscRingProperties {

    /** A mutable event: its fields are written with plain stores before offer, read by the consumer after poll. */
    static final class Event {
        int producer;
        int index;
        long check;
    }

    sealed interface Op permits Offer, Poll, Drain { }

    record Offer() implements Op { }

    record Poll() implements Op { }

    record Drain(int limit) implements Op { }

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Op> op = Arbitraries.frequencyOf(
            Tuple.of(5, Arbitraries.just(new Offer())),
            Tuple.of(3, Arbitraries.just(new Poll())),
            Tuple.of(1, Arbitraries.integers().between(0, 20).map(Drain::new)));
        return op.list().ofMinSize(1).ofMaxSize(400);
    }

    @Property(tries = 200)
    void behavesLikeABoundedFifoWhenUsedByOneThread(@ForAll("operations") List<Op> operations,
                                                     @ForAll @IntRange(min = 1, max = 5) int capacityLog2) {
        int capacity = 1 << capacityLog2;
        MpscRing<Integer> ring = new MpscRing<>(capacity);
        Deque<Integer> model = new ArrayDeque<>();
        int next = 0;
        for (Op op : operations) {
            switch (op) {
                case Offer() -> {
                    boolean accepted = ring.offer(next);
                    assertEquals(model.size() < capacity, accepted, "offer accepted iff not full");
                    if (accepted) {
                        model.addLast(next);
                    }
                    next++;
                }
                case Poll() -> assertEquals(model.pollFirst(), ring.poll(), "poll returns the oldest event");
                case Drain(int limit) -> {
                    List<Integer> drained = new ArrayList<>();
                    int count = ring.drain(drained::add, limit);
                    assertEquals(Math.min(limit, model.size()), count, "drain count");
                    assertEquals(count, drained.size(), "drain count matches handler calls");
                    for (Integer event : drained) {
                        assertEquals(model.pollFirst(), event, "drain delivers in order");
                    }
                }
            }
            assertEquals(model.size(), ring.size(), "size");
        }
    }

    @Property(tries = 100, shrinking = ShrinkingMode.OFF)
    void everyEventIsDeliveredExactlyOnceInOrderPerProducer(
            @ForAll @Size(min = 2, max = 8) List<@IntRange(min = 0, max = 3000) Integer> eventsPerProducer,
            @ForAll @IntRange(min = 1, max = 7) int capacityLog2,
            @ForAll @IntRange(min = 1, max = 64) int drainLimit,
            @ForAll boolean pollOneByOne) throws InterruptedException {
        int capacity = 1 << capacityLog2;
        int producers = eventsPerProducer.size();
        long total = eventsPerProducer.stream().mapToLong(Integer::longValue).sum();
        MpscRing<Event> ring = new MpscRing<>(capacity);
        CountDownLatch start = new CountDownLatch(1);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> producerFailure = new AtomicReference<>();
        AtomicInteger finished = new AtomicInteger(); // producers that returned from their last offer
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int producer = p;
            int count = eventsPerProducer.get(p);
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < count && !stop.get(); i++) {
                        Event event = new Event();
                        event.producer = producer;
                        event.index = i;
                        event.check = checkOf(producer, i);
                        while (!ring.offer(event)) {
                            if (stop.get()) {
                                return;
                            }
                            Thread.yield(); // full: retry
                        }
                    }
                    finished.incrementAndGet();
                } catch (Throwable e) {
                    producerFailure.compareAndSet(null, e);
                }
            }, "mpsc-producer-" + p);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }

        int[] next = new int[producers];
        long[] received = {0};
        Await.Progress progress = new Await.Progress();
        try {
            start.countDown();
            while (received[0] < total) {
                // read before the look: if every producer had returned from its last offer, every event is there
                boolean allOffered = finished.get() == producers;
                int got;
                if (pollOneByOne) {
                    Event event = ring.poll();
                    got = 0;
                    if (event != null) {
                        check(event, next, eventsPerProducer);
                        got = 1;
                    }
                } else {
                    got = ring.drain(event -> check(event, next, eventsPerProducer), drainLimit);
                    assertTrue(got <= drainLimit, "drain returned " + got + " > limit " + drainLimit);
                }
                received[0] += got;
                int size = ring.size();
                assertTrue(size >= 0 && size <= capacity, "size=" + size + " capacity=" + capacity);
                if (got == 0) {
                    assertNull(producerFailure.get(), "producer failed");
                    if (allOffered) {
                        fail("events lost: every producer offered all of its events, the ring is empty, received "
                            + received[0] + " of " + total + "; next index per producer=" + Arrays.toString(next)
                            + ", events per producer=" + eventsPerProducer);
                    }
                    progress.check(received[0], () -> "received " + received[0] + " of " + total
                        + "; next index per producer=" + Arrays.toString(next) + ", events per producer="
                        + eventsPerProducer + ", producers finished=" + finished.get() + ", producerFailure="
                        + producerFailure.get());
                    Thread.yield();
                }
            }
        } finally {
            stop.set(true);
            for (Thread thread : threads) {
                thread.join(Await.HANG.toMillis());
                assertFalse(thread.isAlive(), thread.getName() + " did not finish");
            }
        }
        assertNull(producerFailure.get(), "producer failed");
        for (int p = 0; p < producers; p++) {
            assertEquals(eventsPerProducer.get(p).intValue(), next[p], "events received from producer " + p);
        }
        assertNull(ring.poll(), "nothing left after every event was received");
        assertEquals(0, ring.size());
    }

    private static void check(Event event, int[] next, List<Integer> eventsPerProducer) {
        int producer = event.producer;
        assertTrue(producer >= 0 && producer < next.length, "producer=" + producer);
        assertEquals(next[producer], event.index, "next index of producer " + producer + " (no loss, no duplicate, "
            + "in order)");
        assertEquals(checkOf(producer, event.index), event.check, "fields written before offer are visible");
        assertTrue(event.index < eventsPerProducer.get(producer), "index within count");
        next[producer]++;
    }

    private static long checkOf(int producer, int index) {
        return ((long) producer << 32 | index) * 0x9E3779B97F4A7C15L;
    }
}
