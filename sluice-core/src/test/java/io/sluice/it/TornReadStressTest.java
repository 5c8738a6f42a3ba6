package io.sluice.it;

import io.sluice.Qos;
import io.sluice.Sample;
import io.sluice.Sluice;
import io.sluice.Subscriber;
import io.sluice.WaitStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

import static io.sluice.it.ParticipantChild.TYPE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Invariants 1 and 2 under stress: a publisher in another process cycles 4 slots of 64 KiB as fast as it can while
 * three subscribers (latest, queue 2, queue 4; three wait strategies) verify every sample they take, some of them
 * while holding it a while. No sample is ever torn or overwritten while held, and a queue subscriber's gaps in
 * sequence are exactly its lost count.
 */
class TornReadStressTest {
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(30);
    private static final int SIZE = 64 * 1024;
    private static final int STREAM_MILLIS = 5000;

    private ShmRoot root;
    private ChildJvm.Group children;
    private Sluice sluice;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean publisherDone;

    @BeforeEach
    void setUp() {
        root = ShmRoot.create();
        children = new ChildJvm.Group();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        publisherDone = true;
        children.close();
        for (Thread thread : threads) {
            thread.join(10_000);
        }
        if (sluice != null) {
            sluice.close();
        }
        root.close();
    }

    /** What one subscriber thread saw. */
    private static final class Tally {
        final String name;
        final Subscriber<MemorySegment> subscriber;
        long taken;
        long torn;
        long overwrittenWhileHeld;
        long outOfOrder;
        long gaps;
        long next;
        long lost;
        long firstTorn = -1;

        Tally(String name, Subscriber<MemorySegment> subscriber) {
            this.name = name;
            this.subscriber = subscriber;
        }

        @Override
        public String toString() {
            return name + ": taken=" + taken + " torn=" + torn + " overwrittenWhileHeld=" + overwrittenWhileHeld
                + " outOfOrder=" + outOfOrder + " gaps=" + gaps + " lostCount=" + lost
                + (firstTorn >= 0 ? " firstTorn=" + firstTorn : "");
        }
    }

    @Test
    @Timeout(120)
    void shouldNeverDeliverTornSamplesWhilePublisherCyclesSlots() throws Exception {
        sluice = Sluice.open("test", root.options());
        // subscribers first: they were there before the publisher, so everything it publishes is theirs
        List<Tally> tallies = List.of(
            new Tally("latest/block", sluice.subscriber("/torn", TYPE, Qos.latest())),
            new Tally("queue2/backoff", sluice.subscriber("/torn", TYPE,
                Qos.queue(2).withWaitStrategy(WaitStrategy.backoff()))),
            new Tally("queue4/block", sluice.subscriber("/torn", TYPE, Qos.queue(4))));
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();

        ChildJvm publisher = children.start("publisher", ParticipantChild.class, root.path().toString());
        publisher.request("PUB /torn 4 " + SIZE + " 1000 0", "PUB-READY", CHILD_TIMEOUT);
        for (Tally tally : tallies) {
            threads.add(Thread.ofPlatform().name("subscriber-" + tally.name).start(() -> {
                try {
                    run(tally);
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        publisher.send("STREAM " + SIZE + " " + STREAM_MILLIS);
        publisher.expect("STREAMING", CHILD_TIMEOUT);
        String streamed = publisher.expect("STREAMED", Duration.ofMillis(STREAM_MILLIS).plus(CHILD_TIMEOUT));
        publisherDone = true;
        for (Thread thread : threads) {
            thread.join(60_000);
            assertTrue(!thread.isAlive(), thread.getName() + " did not finish");
        }
        long published = Long.parseLong(streamed.split(" ")[1]);
        System.out.println("publisher: " + streamed);
        tallies.forEach(System.out::println);
        assertTrue(failures.isEmpty(), "subscriber threads failed: " + failures);
        assertTrue(published > 0);

        for (Tally tally : tallies) {
            assertTrue(tally.taken > 0, tally.toString());
            assertEquals(0, tally.torn, "torn samples: " + tally);
            assertEquals(0, tally.overwrittenWhileHeld, "samples overwritten while held: " + tally);
            assertEquals(0, tally.outOfOrder, "sequence went backwards: " + tally);
        }
        for (Tally tally : tallies.subList(1, 3)) {
            assertEquals(published, tally.next, "a queue subscriber that caught up has seen the last sequence: "
                + tally);
            assertEquals(tally.gaps, tally.lost, "every skipped sequence is counted as lost: " + tally);
            assertEquals(published, tally.taken + tally.lost, tally.toString());
        }
        publisher.request("EXIT", "BYE", CHILD_TIMEOUT);
        publisher.awaitExit(CHILD_TIMEOUT);
        sluice.close();
        sluice = null;
        assertEquals(List.of(), root.domainFiles(), "the last participant to leave removes every file");
    }

    private void run(Tally tally) {
        Subscriber<MemorySegment> subscriber = tally.subscriber;
        int quietTakes = 0;
        while (!publisherDone || quietTakes < 3) {
            try (Sample<MemorySegment> sample = subscriber.take(Duration.ofMillis(200))) {
                if (sample == null) {
                    if (publisherDone) {
                        quietTakes++;
                    }
                    continue;
                }
                quietTakes = 0;
                long sequence = sample.sequence();
                MemorySegment bytes = sample.segment();
                tally.taken++;
                if (bytes.byteSize() != SIZE || !Payload.verify(bytes, sequence)) {
                    tally.torn++;
                    if (tally.firstTorn < 0) {
                        tally.firstTorn = sequence;
                    }
                }
                if ((tally.taken & 7) == 0) {
                    LockSupport.parkNanos(50_000); // hold it while the publisher keeps cycling the other slots
                    if (!Payload.verify(bytes, sequence)) {
                        tally.overwrittenWhileHeld++;
                    }
                }
                if (sequence < tally.next) {
                    tally.outOfOrder++;
                } else {
                    tally.gaps += sequence - tally.next;
                    tally.next = sequence + 1;
                }
            }
        }
        tally.lost = subscriber.lostCount();
    }
}
