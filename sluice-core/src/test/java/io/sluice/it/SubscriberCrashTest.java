package io.sluice.it;

import io.sluice.Await;
import io.sluice.Loan;
import io.sluice.PublishTimeoutException;
import io.sluice.Publisher;
import io.sluice.PublisherOptions;
import io.sluice.Qos;
import io.sluice.Sample;
import io.sluice.Sluice;
import io.sluice.SluiceException;
import io.sluice.Subscriber;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.sluice.it.ParticipantChild.TYPE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Invariant 3 for subscribers: one killed with SIGKILL gives back its slots and stops holding back publishers. */
class SubscriberCrashTest extends MultiProcessTest {
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration RECOVERY_TIMEOUT = Duration.ofSeconds(10);

    /** A thread that publishes for a test, if it started one. */
    private Thread publishing;

    /** Runs before {@link MultiProcessTest}'s cleanup: the publishing thread stops before the children go. */
    @AfterEach
    void stopPublishing() {
        if (publishing != null) {
            publishing.interrupt();
        }
    }

    @Test
    @Timeout(90)
    void shouldReclaimSlotsWhenSubscriberDies() {
        sluice = Sluice.open("test", root.options());
        Publisher<MemorySegment> publisher = sluice.publisher("/held", TYPE, PublisherOptions.defaults().withSlots(8));
        Subscriber<MemorySegment> bystander = sluice.subscriber("/held", TYPE, Qos.queue(8));
        assertEquals(1, bystander.publisherCount());
        ChildJvm holder = children.start("holder", ParticipantChild.class, root.path().toString());
        holder.request("SUBS 1 /held QUEUE 8", "SUBS-READY 1 publishers=1", CHILD_TIMEOUT);

        for (long sequence = 0; sequence < 8; sequence++) {
            publish(publisher, sequence, 1024);
        }
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L), takeAll(bystander, 8));
        assertEquals("HELD 4 seqs=0,1,2,3 torn=0", holder.request("HOLD 4 10000", "HELD", CHILD_TIMEOUT));

        // the child pins 4 of the 8 slots: the publisher can have only the other 4
        List<Loan<MemorySegment>> loans = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            loans.add(publisher.loan(1024));
        }
        SluiceException full = assertThrows(SluiceException.class, () -> publisher.loan(1024),
            "a fifth loan while the child holds 4 of 8 slots");
        assertTrue(full.getMessage().contains("no free slot"), full.getMessage());
        loans.forEach(Loan::close);
        loans.clear();

        long killed = System.nanoTime(); // the SIGKILL is sent now; kill() returns once it is reaped
        holder.kill();

        // every slot comes back: 8 loans at once, then published
        long deadline = killed + RECOVERY_TIMEOUT.toNanos();
        while (loans.size() < 8) {
            try {
                loans.add(publisher.loan(1024));
            } catch (SluiceException e) {
                loans.forEach(Loan::close);
                loans.clear();
                assertTrue(System.nanoTime() - deadline < 0,
                    "the killed subscriber's slots did not come back within " + RECOVERY_TIMEOUT + ": " + e);
                sleep(10);
            }
        }
        System.out.printf("slots of the killed subscriber were reusable %.1f ms after the SIGKILL%n",
            (System.nanoTime() - killed) / 1e6);
        long sequence = 8;
        for (Loan<MemorySegment> loan : loans) {
            Payload.fill(loan.segment(), sequence++);
            loan.publish();
        }
        assertEquals(1, publisher.subscriberCount(), "only the bystander is left");

        // the other subscriber was not disturbed: everything, in order, nothing lost
        assertEquals(List.of(8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L), takeAll(bystander, 8));
        assertEquals(0, bystander.lostCount());
        assertDomainEmptyAfterClose();
    }

    @Test
    @Timeout(90)
    void shouldStopHoldingBackPublisherWhenStalledReliableSubscriberDies() {
        sluice = Sluice.open("test", root.options());
        Publisher<MemorySegment> publisher = sluice.publisher("/reliable", TYPE,
            PublisherOptions.defaults().withSlots(8).withReliableTimeout(Duration.ofMillis(300)));
        ChildJvm slow = children.start("slow", ParticipantChild.class, root.path().toString());
        slow.request("SUBS 1 /reliable RELIABLE 2", "SUBS-READY 1 publishers=1", CHILD_TIMEOUT);
        assertEquals(1, publisher.subscriberCount());

        publish(publisher, 0, 256);
        assertTrue(slow.request("RECEIVE 1 10000", "RECEIVED", CHILD_TIMEOUT).startsWith("RECEIVED samples=1 torn=0"));
        publish(publisher, 1, 256);
        publish(publisher, 2, 256);
        // the child stopped taking at sequence 1 and may fall 2 behind: sequence 3 must wait for it
        PublishTimeoutException timeout = assertThrows(PublishTimeoutException.class, () -> publisher.loan(256));
        assertTrue(timeout.getMessage().contains("reliable subscriber"), timeout.getMessage());

        long killed = System.nanoTime(); // the SIGKILL is sent now; kill() returns once it is reaped
        slow.kill();
        int attempts = 0;
        Loan<MemorySegment> loan = null;
        while (loan == null) {
            attempts++;
            try {
                loan = publisher.loan(256);
            } catch (PublishTimeoutException e) {
                assertTrue(System.nanoTime() - killed < RECOVERY_TIMEOUT.toNanos(),
                    "the dead reliable subscriber still blocks the publisher after " + RECOVERY_TIMEOUT + ": " + e);
            }
        }
        System.out.printf("publisher unblocked %.1f ms after the SIGKILL of the reliable subscriber (%d loans tried)%n",
            (System.nanoTime() - killed) / 1e6, attempts);
        Payload.fill(loan.segment(), 3);
        loan.publish();
        for (long sequence = 4; sequence < 40; sequence++) {
            publish(publisher, sequence, 256); // would time out at once if the dead subscriber still counted
        }
        assertEquals(0, publisher.subscriberCount());
        assertDomainEmptyAfterClose();
    }

    @Test
    @Timeout(90)
    void shouldReleaseWaitingPublisherWhenReliableSubscriberDies() throws Exception {
        sluice = Sluice.open("test", root.options());
        Publisher<MemorySegment> publisher = sluice.publisher("/reliable", TYPE,
            PublisherOptions.defaults().withSlots(8).withReliableTimeout(Duration.ofSeconds(60)));
        ChildJvm slow = children.start("slow", ParticipantChild.class, root.path().toString());
        slow.request("SUBS 1 /reliable RELIABLE 2", "SUBS-READY 1 publishers=1", CHILD_TIMEOUT);
        publish(publisher, 0, 256);
        publish(publisher, 1, 256);

        CompletableFuture<Long> publishedAt = new CompletableFuture<>();
        Thread loaner = Thread.ofPlatform().daemon().name("reliable-loan").start(() -> {
            try (Loan<MemorySegment> loan = publisher.loan(256)) { // waits for the child, up to 60 s
                long returned = System.nanoTime();
                Payload.fill(loan.segment(), 2);
                loan.publish();
                publishedAt.complete(returned);
            } catch (Throwable e) {
                publishedAt.completeExceptionally(e);
            }
        });
        publishing = loaner;
        Await.inCall(loaner, publisher.getClass(), "loan"); // the loan is under way, and cannot end while...
        assertFalse(publishedAt.isDone(), "...the reliable subscriber that is 2 behind lives");

        long killed = System.nanoTime(); // the SIGKILL is sent now; kill() returns once it is reaped
        slow.kill();
        Long returned = publishedAt.get(RECOVERY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(returned);
        System.out.printf("waiting loan returned %.1f ms after the SIGKILL of the reliable subscriber%n",
            (returned - killed) / 1e6);
        assertEquals(3, publisher.publishedCount());
        assertEquals(0, publisher.subscriberCount());
        assertDomainEmptyAfterClose();
    }

    /**
     * The publisher's upkeep (probing and reclaiming the dead) runs after a publish has woken its subscribers, off
     * the path from a loan to them. What it meets then must not make that publish look failed: the sample is out,
     * so the failure comes from the next loan, and the publisher goes on.
     */
    @Test
    @Timeout(90)
    void shouldDeliverThePublishWhoseUpkeepFailsAndThrowTheFailureFromTheNextLoan() throws Exception {
        sluice = Sluice.open("test", root.options());
        Publisher<MemorySegment> publisher = sluice.publisher("/upkeep", TYPE, PublisherOptions.defaults().withSlots(8));
        Subscriber<MemorySegment> bystander = sluice.subscriber("/upkeep", TYPE, Qos.queue(8));
        ChildJvm dead = children.start("dead", ParticipantChild.class, root.path().toString());
        dead.request("PUB /upkeep 4 1024 100 0", "PUB-READY", CHILD_TIMEOUT);
        dead.request("SUBS 1 /upkeep QUEUE 8", "SUBS-READY 1 publishers=2", CHILD_TIMEOUT);
        publish(publisher, 0, 256);
        publish(publisher, 1, 256);
        assertEquals(List.of(0L, 1L), takeAll(bystander, 2));
        assertTrue(dead.request("HOLD 2 10000", "HELD", CHILD_TIMEOUT).startsWith("HELD 2"));
        dead.kill(); // a dead subscriber that pins slots, and a dead publisher row: the upkeep will reclaim them

        RuntimeException injected = new IllegalStateException("injected failure of the upkeep");
        List<Long> failedAt = new ArrayList<>();
        try (AutoCloseable hook = io.sluice.shm.FaultPoint.RECLAIM_ROW_LOCKED.install(() -> {
            if (failedAt.isEmpty()) {
                failedAt.add(publisher.publishedCount());
                throw injected;
            }
        })) {
            sleep(150); // the upkeep probes subscribers at most every 100 ms
            for (long sequence = 2; sequence < 8; sequence++) {
                publish(publisher, sequence, 256); // the 8th publish runs the upkeep, which fails: it must not throw
            }
            assertEquals(List.of(8L), failedAt, "the upkeep ran, and failed, after the 8th publish");
            assertEquals(List.of(2L, 3L, 4L, 5L, 6L, 7L), takeAll(bystander, 6), "that publish was delivered");
            IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> publisher.loan(256),
                "the next loan says what the upkeep met");
            assertTrue(thrown == injected, "the very failure: " + thrown);
        }
        for (long sequence = 8; sequence < 16; sequence++) {
            publish(publisher, sequence, 256); // once said, the failure is not thrown again
            assertEquals(List.of(sequence), takeAll(bystander, 1)); // the dead child still pins 2 of the 8 slots
        }
        assertEquals(0, bystander.lostCount());
        assertDomainEmptyAfterClose();
    }

    /** Closes this JVM's participant, the last one alive: the killed child's files must be gone with it. */
    private void assertDomainEmptyAfterClose() {
        sluice.close();
        sluice = null;
        assertEquals(List.of(), root.domainFiles(), "the last participant to leave removes every file");
    }

    static void publish(Publisher<MemorySegment> publisher, long sequence, long size) {
        try (Loan<MemorySegment> loan = publisher.loan(size)) {
            Payload.fill(loan.segment(), sequence);
            loan.publish();
        }
    }

    /** Takes {@code count} samples, each checked and closed at once; returns their sequences. */
    static List<Long> takeAll(Subscriber<MemorySegment> subscriber, int count) {
        List<Long> sequences = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (sequences.size() < count && System.nanoTime() - deadline < 0) {
            try (Sample<MemorySegment> sample = subscriber.take(Duration.ofMillis(200))) {
                if (sample != null) {
                    assertTrue(Payload.verify(sample.segment(), sample.sequence()),
                        "sample " + sample.sequence() + " has the contents of another message");
                    sequences.add(sample.sequence());
                }
            }
        }
        return sequences;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
