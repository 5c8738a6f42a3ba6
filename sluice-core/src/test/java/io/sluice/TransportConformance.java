package io.sluice;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every Sluice transport must do, seen through the public API only. A transport's test extends this class and
 * says how to open participants; everything here runs in one process.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class TransportConformance {
    protected static final MessageType<MemorySegment> BLOB = MessageType.raw("test_msgs/msg/Blob");

    private final List<Sluice> participants = new ArrayList<>();

    /** A new participant of one shared domain, private to the running test. */
    protected abstract Sluice open(String name);

    /** Names of the transport's files left in the domain, for cleanup checks; empty when it keeps none. */
    protected abstract List<String> leftovers();

    @BeforeEach
    void startTest() {
        participants.clear();
    }

    @AfterEach
    protected void closeParticipants() {
        participants.forEach(Sluice::close);
        participants.clear();
    }

    protected Sluice participant(String name) {
        Sluice sluice = open(name);
        participants.add(sluice);
        return sluice;
    }

    static void publishLong(Publisher<MemorySegment> publisher, long value, long size) {
        try (Loan<MemorySegment> loan = publisher.loan(size)) {
            loan.segment().set(JAVA_LONG, 0, value);
            loan.publish();
        }
    }

    static long readLong(Sample<MemorySegment> sample) {
        return sample.segment().get(JAVA_LONG, 0);
    }

    @Test
    void shouldDeliverEverySampleInOrderToAQueueSubscriber() {
        Sluice sluice = participant("node");
        Subscriber<MemorySegment> subscriber = sluice.subscriber("/numbers", BLOB, Qos.queue(16));
        Publisher<MemorySegment> publisher = sluice.publisher("/numbers", BLOB);
        for (int value = 0; value < 100; value++) {
            publishLong(publisher, value, 64);
            try (Sample<MemorySegment> sample = subscriber.take()) {
                assertNotNull(sample);
                assertEquals(value, readLong(sample));
                assertEquals(value, sample.sequence());
                assertEquals(64, sample.segment().byteSize());
            }
        }
        assertNull(subscriber.take());
        assertEquals(0, subscriber.lostCount());
    }

    @Test
    void shouldStampEverySampleWithWhenItWasPublishedAndKeepTheStampThroughAGrowth() {
        Sluice sluice = participant("node");
        Subscriber<MemorySegment> subscriber = sluice.subscriber("/stamped", BLOB, Qos.queue(16));
        Publisher<MemorySegment> publisher = sluice.publisher("/stamped", BLOB);
        long[] before = new long[3];
        long[] after = new long[3];
        for (int value = 0; value < 3; value++) {
            before[value] = System.nanoTime();
            publishLong(publisher, value, 64);
            after[value] = System.nanoTime();
        }
        publishLong(publisher, 3, 4 * 1024 * 1024); // larger than any first slot: the samples above move with it
        for (int value = 0; value < 3; value++) {
            try (Sample<MemorySegment> sample = subscriber.take()) {
                assertEquals(value, readLong(sample));
                long stamp = sample.publishNanos();
                assertTrue(stamp - before[value] >= 0 && after[value] - stamp >= 0, "sample " + value
                    + " stamped while it was published: " + before[value] + " <= " + stamp + " <= " + after[value]);
            }
        }
        try (Sample<MemorySegment> sample = subscriber.take()) {
            assertEquals(3, readLong(sample));
            assertTrue(sample.publishNanos() - after[2] >= 0, "stamps follow the publish order");
        }
    }

    @Test
    void shouldDeliverWhatIsPublishedAfterTheSubscriberIsCreatedWhenThePublisherWasThereFirst() {
        Sluice camera = participant("camera");
        Sluice viewer = participant("viewer");
        Publisher<MemorySegment> publisher = camera.publisher("/numbers", BLOB);
        publishLong(publisher, -1, 8); // before the subscriber: not its business
        Subscriber<MemorySegment> queue = viewer.subscriber("/numbers", BLOB, Qos.queue(8));
        Subscriber<MemorySegment> latest = viewer.subscriber("/numbers", BLOB, Qos.latest());
        publishLong(publisher, 1, 8);
        publishLong(publisher, 2, 8);
        assertEquals(List.of(1L, 2L), drain(queue));
        assertEquals(0, queue.lostCount());
        try (Sample<MemorySegment> sample = latest.latest()) {
            assertNotNull(sample);
            assertEquals(2, readLong(sample));
        }
    }

    @Test
    void shouldSkipTheOldestAndCountThemWhenAQueueSubscriberFallsBehind() {
        Sluice sluice = participant("node");
        Subscriber<MemorySegment> subscriber = sluice.subscriber("/numbers", BLOB, Qos.queue(4));
        Publisher<MemorySegment> publisher = sluice.publisher("/numbers", BLOB);
        for (int value = 0; value < 10; value++) {
            publishLong(publisher, value, 8);
        }
        List<Long> received = drain(subscriber);
        assertEquals(List.of(6L, 7L, 8L, 9L), received);
        assertEquals(6, subscriber.lostCount());
    }

    @Test
    void shouldCountEveryGapWhenSlotsAreReusedBeforeTheSubscriberTakesThem() {
        Sluice sluice = participant("node");
        Subscriber<MemorySegment> subscriber = sluice.subscriber("/numbers", BLOB, Qos.queue(1000));
        Publisher<MemorySegment> publisher = sluice.publisher("/numbers", BLOB, PublisherOptions.defaults().withSlots(4));
        for (int value = 0; value < 50; value++) {
            publishLong(publisher, value, 8);
        }
        List<Long> received = drain(subscriber);
        assertTrue(received.size() >= 1 && received.getLast() == 49, "received=" + received);
        assertEquals(50, received.size() + subscriber.lostCount(), "received plus lost is everything published");
    }

    @Test
    void shouldHandTheNewestUnseenSampleToALatestSubscriber() {
        Sluice sluice = participant("node");
        Subscriber<MemorySegment> subscriber = sluice.subscriber("/pose", BLOB, Qos.latest());
        Publisher<MemorySegment> publisher = sluice.publisher("/pose", BLOB);
        assertNull(subscriber.take());
        for (int value = 0; value < 5; value++) {
            publishLong(publisher, value, 8);
        }
        try (Sample<MemorySegment> sample = subscriber.take()) {
            assertEquals(4, readLong(sample));
        }
        assertNull(subscriber.take(), "nothing newer than what it has seen");
        try (Sample<MemorySegment> sample = subscriber.latest()) {
            assertEquals(4, readLong(sample), "latest() hands the newest again");
        }
        publishLong(publisher, 5, 8);
        try (Sample<MemorySegment> sample = subscriber.take()) {
            assertEquals(5, readLong(sample));
        }
    }

    @Test
    void shouldNeverOverwriteAHeldSample() {
        Sluice sluice = participant("node");
        Subscriber<MemorySegment> subscriber = sluice.subscriber("/frames", BLOB, Qos.latest());
        Publisher<MemorySegment> publisher = sluice.publisher("/frames", BLOB, PublisherOptions.defaults().withSlots(3));
        publishLong(publisher, 42, 4096);
        Sample<MemorySegment> held = subscriber.take();
        for (int value = 100; value < 200; value++) {
            publishLong(publisher, value, 4096);
        }
        assertEquals(42, readLong(held), "the held sample is intact");
        held.close();
        try (Sample<MemorySegment> sample = subscriber.take()) {
            assertEquals(199, readLong(sample));
        }
    }

    @Test
    void shouldRefuseALoanWhenSubscribersHoldEverySlot() {
        Sluice sluice = participant("node");
        Subscriber<MemorySegment> subscriber = sluice.subscriber("/frames", BLOB, Qos.queue(8));
        Publisher<MemorySegment> publisher = sluice.publisher("/frames", BLOB, PublisherOptions.defaults().withSlots(2));
        publishLong(publisher, 1, 8);
        publishLong(publisher, 2, 8);
        Sample<MemorySegment> first = subscriber.take();
        Sample<MemorySegment> second = subscriber.take();
        SluiceException refused = assertThrows(SluiceException.class, () -> publisher.loan(8));
        assertTrue(refused.getMessage().contains("no free slot"), refused.getMessage());
        first.close();
        publishLong(publisher, 3, 8);
        second.close();
    }

    @Test
    void shouldMakeTheReliablePublisherWaitAndThenTimeOut() {
        Sluice sluice = participant("node");
        Subscriber<MemorySegment> subscriber = sluice.subscriber("/commands", BLOB, Qos.reliable(2));
        Publisher<MemorySegment> publisher = sluice.publisher("/commands", BLOB,
            PublisherOptions.defaults().withSlots(8).withReliableTimeout(Duration.ofMillis(50)));
        publishLong(publisher, 0, 8);
        publishLong(publisher, 1, 8);
        assertThrows(PublishTimeoutException.class, () -> publisher.loan(8), "two behind with depth 2");
        try (Sample<MemorySegment> sample = subscriber.take()) {
            assertEquals(0, readLong(sample));
        }
        publishLong(publisher, 2, 8);
        assertEquals(List.of(1L, 2L), drain(subscriber));
        assertEquals(0, subscriber.lostCount());
    }

    @Test
    void shouldDeliverEverySampleToAReliableSubscriberOfAFastPublisher() throws Exception {
        Sluice sluice = participant("node");
        Subscriber<MemorySegment> subscriber = sluice.subscriber("/commands", BLOB, Qos.reliable(4));
        Publisher<MemorySegment> publisher = sluice.publisher("/commands", BLOB,
            PublisherOptions.defaults().withSlots(4).withReliableTimeout(Duration.ofSeconds(20)));
        int count = 20_000;
        CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> {
            for (int value = 0; value < count; value++) {
                publishLong(publisher, value, 32);
            }
        });
        for (int expected = 0; expected < count; expected++) {
            try (Sample<MemorySegment> sample = subscriber.take(Duration.ofSeconds(20))) {
                assertNotNull(sample, "sample " + expected);
                assertEquals(expected, readLong(sample));
            }
        }
        producing.get(20, TimeUnit.SECONDS);
        assertEquals(0, subscriber.lostCount());
    }

    @Test
    void shouldReplayHistoryToALateJoiner() {
        Sluice sluice = participant("node");
        Publisher<MemorySegment> publisher = sluice.publisher("/map", BLOB, PublisherOptions.defaults().withHistory(3));
        for (int value = 0; value < 10; value++) {
            publishLong(publisher, value, 8);
        }
        Subscriber<MemorySegment> late = sluice.subscriber("/map", BLOB, Qos.queue(10));
        assertEquals(List.of(7L, 8L, 9L), drain(late));
        assertEquals(0, late.lostCount());
    }

    @Test
    void shouldGiveEverythingToASubscriberThatWasThereBeforeThePublisher() {
        Sluice sluice = participant("node");
        Subscriber<MemorySegment> early = sluice.subscriber("/log", BLOB, Qos.reliable(64));
        Publisher<MemorySegment> publisher = sluice.publisher("/log", BLOB);
        for (int value = 0; value < 5; value++) {
            publishLong(publisher, value, 8);
        }
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), drain(early));
    }

    @Test
    void shouldReceiveFromSeveralPublishers() {
        Sluice sluice = participant("node");
        Subscriber<MemorySegment> subscriber = sluice.subscriber("/chatter", BLOB, Qos.queue(16));
        Publisher<MemorySegment> first = sluice.publisher("/chatter", BLOB);
        Publisher<MemorySegment> second = participant("other").publisher("/chatter", BLOB);
        for (int value = 0; value < 5; value++) {
            publishLong(first, value, 8);
            publishLong(second, 100 + value, 8);
        }
        List<Long> received = drain(subscriber);
        assertEquals(10, received.size());
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), received.stream().filter(value -> value < 100).toList());
        assertEquals(List.of(100L, 101L, 102L, 103L, 104L), received.stream().filter(value -> value >= 100).toList());
        assertEquals(2, subscriber.publisherCount());
        assertEquals(1, first.subscriberCount());
    }

    @Test
    void shouldCarryAZeroLengthMessage() {
        Sluice sluice = participant("node");
        Subscriber<MemorySegment> subscriber = sluice.subscriber("/tick", BLOB, Qos.queue(4));
        Publisher<MemorySegment> publisher = sluice.publisher("/tick", BLOB);
        try (Loan<MemorySegment> loan = publisher.loan(0)) {
            assertEquals(0, loan.segment().byteSize());
            loan.publish();
        }
        try (Sample<MemorySegment> sample = subscriber.take()) {
            assertNotNull(sample);
            assertEquals(0, sample.segment().byteSize());
        }
    }

    @Test
    void shouldGiveTheSlotBackWhenALoanIsClosedUnpublished() {
        Sluice sluice = participant("node");
        Subscriber<MemorySegment> subscriber = sluice.subscriber("/tick", BLOB, Qos.queue(4));
        Publisher<MemorySegment> publisher = sluice.publisher("/tick", BLOB, PublisherOptions.defaults().withSlots(2));
        for (int round = 0; round < 10; round++) {
            try (Loan<MemorySegment> loan = publisher.loan(8)) {
                loan.segment().set(JAVA_LONG, 0, round);
            }
        }
        assertNull(subscriber.take());
        assertEquals(0, publisher.publishedCount());
        publishLong(publisher, 7, 8);
        try (Sample<MemorySegment> sample = subscriber.take()) {
            assertEquals(7, readLong(sample));
            assertEquals(0, sample.sequence());
        }
    }

    @Test
    void shouldCopySmallMessagesInOneCall() {
        Sluice sluice = participant("node");
        Subscriber<MemorySegment> subscriber = sluice.subscriber("/text", BLOB, Qos.queue(4));
        Publisher<MemorySegment> publisher = sluice.publisher("/text", BLOB);
        byte[] hello = "hello".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        publisher.publishCopy(hello);
        try (Sample<MemorySegment> sample = subscriber.take()) {
            assertArrayEquals(hello, sample.segment().toArray(JAVA_BYTE));
        }
    }

    @Test
    void shouldGrowTheSlotsForALargerLoan() {
        Sluice sluice = participant("node");
        Subscriber<MemorySegment> subscriber = sluice.subscriber("/cloud", BLOB, Qos.reliable(8));
        Publisher<MemorySegment> publisher = sluice.publisher("/cloud", BLOB,
            PublisherOptions.defaults().withInitialSize(1024));
        publishLong(publisher, 1, 1024);
        publishLong(publisher, 2, 3 * 1024 * 1024);
        publishLong(publisher, 3, 16);
        try (Sample<MemorySegment> sample = subscriber.take()) {
            assertEquals(1, readLong(sample));
            assertEquals(1024, sample.segment().byteSize());
        }
        try (Sample<MemorySegment> sample = subscriber.take()) {
            assertEquals(2, readLong(sample));
            assertEquals(3 * 1024 * 1024, sample.segment().byteSize());
        }
        try (Sample<MemorySegment> sample = subscriber.take()) {
            assertEquals(3, readLong(sample));
        }
        assertEquals(0, subscriber.lostCount());
    }

    @Test
    void shouldKeepASampleOfAnOldGenerationValidAfterGrowth() {
        Sluice sluice = participant("node");
        Subscriber<MemorySegment> subscriber = sluice.subscriber("/cloud", BLOB, Qos.latest());
        Publisher<MemorySegment> publisher = sluice.publisher("/cloud", BLOB,
            PublisherOptions.defaults().withInitialSize(1024));
        publishLong(publisher, 1, 1024);
        Sample<MemorySegment> old = subscriber.take();
        publishLong(publisher, 2, 1024 * 1024);
        try (Sample<MemorySegment> sample = subscriber.take()) {
            assertEquals(2, readLong(sample));
        }
        assertEquals(1, readLong(old));
        old.close();
        assertThrows(IllegalStateException.class, old::segment, "a closed sample refuses access");
    }

    /**
     * A timeout beyond a long's nanoseconds, or one whose deadline would overflow, is a very long wait: not an
     * exception, not a deadline already past.
     */
    @Test
    void shouldWaitForAPublishWithATimeoutBeyondALong() throws Exception {
        List<Duration> timeouts = List.of(java.time.temporal.ChronoUnit.FOREVER.getDuration(),
            Duration.ofNanos(Long.MAX_VALUE));
        for (int index = 0; index < timeouts.size(); index++) {
            Sluice sluice = participant("huge-" + index);
            Subscriber<MemorySegment> subscriber = sluice.subscriber("/huge_" + index, BLOB, Qos.queue(4));
            Publisher<MemorySegment> publisher = sluice.publisher("/huge_" + index, BLOB);
            Duration timeout = timeouts.get(index);
            CompletableFuture<Object> taken = new CompletableFuture<>();
            Thread taker = Thread.ofPlatform().name("huge-taker-" + index).start(() -> {
                try (Sample<MemorySegment> sample = subscriber.take(timeout)) {
                    taken.complete(sample == null ? "null" : readLong(sample));
                } catch (Throwable e) {
                    taken.complete(e);
                }
            });
            Await.asleepInKernel(taker); // waiting, neither failed nor returned
            publishLong(publisher, 7, 64);
            assertEquals(7L, taken.get(60, TimeUnit.SECONDS), "take(" + timeout + ")");
            taker.join();
        }
    }

    @Test
    void shouldTimeOutATakeAndWakeOnPublishForEveryWaitStrategy() throws Exception {
        List<WaitStrategy> strategies = List.of(WaitStrategy.block(), WaitStrategy.spin(), WaitStrategy.backoff(),
            WaitStrategy.backoff(0, 1, 1_000));
        for (int index = 0; index < strategies.size(); index++) {
            WaitStrategy strategy = strategies.get(index);
            Sluice sluice = participant("node-" + index);
            String topic = "/wake_" + index;
            Subscriber<MemorySegment> subscriber = sluice.subscriber(topic, BLOB,
                Qos.queue(4).withWaitStrategy(strategy));
            Publisher<MemorySegment> publisher = sluice.publisher(topic, BLOB);
            assertNull(subscriber.take(Duration.ofMillis(20)), strategy + " times out");
            CompletableFuture<Long> taken = new CompletableFuture<>();
            Thread taker = Thread.ofPlatform().name("taker-" + index).start(() -> {
                try (Sample<MemorySegment> sample = subscriber.take(Await.HANG)) {
                    taken.complete(sample == null ? null : readLong(sample));
                } catch (Throwable e) {
                    taken.completeExceptionally(e);
                }
            });
            // publish only once the taker waits: a spinner is in its take, a blocking one asleep in the kernel
            Await.inCall(taker, subscriber.getClass(), "take");
            if (strategy.blocks()) {
                Await.asleepInKernel(taker);
            }
            publishLong(publisher, 9, 8);
            assertEquals(9L, taken.get(Await.HANG.toSeconds(), TimeUnit.SECONDS), strategy + " wakes");
        }
    }

    @Test
    void shouldRefuseAnotherTypeNamingBoth() {
        Sluice sluice = participant("node");
        sluice.publisher("/typed", BLOB);
        IncompatibleTypeException refused = assertThrows(IncompatibleTypeException.class,
            () -> sluice.subscriber("/typed", MessageType.raw("other_msgs/msg/Thing"), Qos.latest()));
        assertTrue(refused.getMessage().contains("test_msgs/msg/Blob"), refused.getMessage());
        assertTrue(refused.getMessage().contains("other_msgs/msg/Thing"), refused.getMessage());
    }

    /**
     * README: "Several publishers may share a topic (up to 16)": the 17th is refused, saying so; a freed place is
     * taken again.
     */
    @Test
    void shouldServeSixteenPublishersOfOneTopicAndRefuseTheSeventeenthClearly() {
        Sluice sluice = participant("node");
        Subscriber<MemorySegment> subscriber = sluice.subscriber("/crowd", BLOB, Qos.queue(64));
        List<Publisher<MemorySegment>> publishers = new ArrayList<>();
        for (int index = 0; index < 16; index++) {
            publishers.add(sluice.publisher("/crowd", BLOB));
        }
        SluiceException refused = assertThrows(SluiceException.class, () -> sluice.publisher("/crowd", BLOB));
        assertContains(refused.getMessage(), "too many publishers", "/crowd", "16");
        assertEquals(16, subscriber.publisherCount());
        for (int index = 0; index < 16; index++) {
            publishLong(publishers.get(index), index, 8);
        }
        assertEquals(16, drain(subscriber).size(), "a sample from each of the 16");
        publishers.removeFirst().close();
        Publisher<MemorySegment> replacement = sluice.publisher("/crowd", BLOB); // the freed place
        publishLong(replacement, 99, 8);
        assertEquals(List.of(99L), drain(subscriber));
        assertEquals(0, subscriber.lostCount());
    }

    /** README: "a topic serves up to 128 subscribers": each of 128 gets the sample; the 129th is refused, saying so. */
    @Test
    void shouldServe128SubscribersOfOneTopicAndRefuseThe129thClearly() {
        Sluice sluice = participant("node");
        List<Subscriber<MemorySegment>> subscribers = new ArrayList<>();
        for (int index = 0; index < 128; index++) {
            subscribers.add(sluice.subscriber("/fanout", BLOB, index % 2 == 0 ? Qos.queue(8) : Qos.latest()));
        }
        SluiceException refused = assertThrows(SluiceException.class,
            () -> sluice.subscriber("/fanout", BLOB, Qos.queue(8)));
        assertContains(refused.getMessage(), "too many subscribers", "/fanout", "128");
        Publisher<MemorySegment> publisher = sluice.publisher("/fanout", BLOB);
        assertEquals(128, publisher.subscriberCount());
        publishLong(publisher, 5, 1024);
        for (Subscriber<MemorySegment> subscriber : subscribers) {
            try (Sample<MemorySegment> sample = subscriber.take()) {
                assertNotNull(sample);
                assertEquals(5, readLong(sample));
            }
        }
        subscribers.removeFirst().close();
        Subscriber<MemorySegment> replacement = sluice.subscriber("/fanout", BLOB, Qos.queue(8)); // the freed place
        publishLong(publisher, 6, 1024);
        try (Sample<MemorySegment> sample = replacement.take()) {
            assertEquals(6, readLong(sample));
        }
    }

    /**
     * README: "Each subscriber may hold up to 16 samples at once": the 17th take is refused, saying so, and loses
     * nothing: once a sample is closed, the refused one is taken.
     */
    @Test
    void shouldLetASubscriberHoldSixteenSamplesAndRefuseTheSeventeenthClearly() {
        Sluice sluice = participant("node");
        Subscriber<MemorySegment> subscriber = sluice.subscriber("/held", BLOB, Qos.queue(32));
        Publisher<MemorySegment> publisher = sluice.publisher("/held", BLOB, PublisherOptions.defaults().withSlots(32));
        for (int value = 0; value < 20; value++) {
            publishLong(publisher, value, 8);
        }
        List<Sample<MemorySegment>> held = new ArrayList<>();
        for (int value = 0; value < Subscriber.MAX_HELD; value++) {
            Sample<MemorySegment> sample = subscriber.take();
            assertNotNull(sample, "sample " + value);
            assertEquals(value, readLong(sample));
            held.add(sample);
        }
        assertEquals(16, Subscriber.MAX_HELD);
        SluiceException refused = assertThrows(SluiceException.class, subscriber::take);
        assertContains(refused.getMessage(), "holds too many samples", "/held", "16");
        for (int value = 0; value < Subscriber.MAX_HELD; value++) {
            assertEquals(value, readLong(held.get(value)), "held sample " + value + " intact");
        }
        held.removeFirst().close();
        try (Sample<MemorySegment> sample = subscriber.take()) {
            assertEquals(16, readLong(sample), "the sample refused a moment ago");
        }
        held.forEach(Sample::close);
        assertEquals(List.of(17L, 18L, 19L), drain(subscriber));
        assertEquals(0, subscriber.lostCount());
    }

    /** README: "close() waits likewise until reliable subscribers have taken everything". */
    @Test
    void shouldCloseAReliablePublisherOnlyOnceItsReliableSubscribersTookEverything() throws Exception {
        Sluice sluice = participant("node");
        Subscriber<MemorySegment> subscriber = sluice.subscriber("/commands", BLOB, Qos.reliable(8));
        Publisher<MemorySegment> publisher = participant("speaker").publisher("/commands", BLOB,
            PublisherOptions.defaults().withSlots(8).withReliableTimeout(Await.HANG));
        for (int value = 0; value < 5; value++) {
            publishLong(publisher, value, 8);
        }
        CompletableFuture<Void> closed = new CompletableFuture<>();
        Thread closer = Thread.ofPlatform().daemon().name("reliable-close").start(() -> {
            try {
                publisher.close();
                closed.complete(null);
            } catch (Throwable e) {
                closed.completeExceptionally(e);
            }
        });
        Await.inCall(closer, publisher.getClass(), "close");
        for (int value = 0; value < 5; value++) {
            assertFalse(closed.isDone(), "close returned with " + (5 - value) + " samples not yet taken");
            try (Sample<MemorySegment> sample = subscriber.take()) {
                assertNotNull(sample, "sample " + value);
                assertEquals(value, readLong(sample));
            }
        }
        closed.get(Await.HANG.toSeconds(), TimeUnit.SECONDS); // everything taken: the close ends
        closer.join(Await.HANG.toMillis());
        assertEquals(0, subscriber.lostCount());
        assertEquals(0, subscriber.publisherCount());
    }

    private static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "the message should name " + part + ": " + message);
        }
    }

    @Test
    void shouldRemoveEveryFileWhenTheLastParticipantLeaves() {
        Sluice sluice = participant("node");
        Subscriber<MemorySegment> subscriber = sluice.subscriber("/gone", BLOB, Qos.queue(4));
        Publisher<MemorySegment> publisher = sluice.publisher("/gone", BLOB);
        publishLong(publisher, 1, 1 << 20);
        Sample<MemorySegment> held = subscriber.take();
        publisher.close();
        assertEquals(1, readLong(held), "a held sample outlives its publisher");
        held.close();
        subscriber.close();
        assertEquals(List.of(), leftovers());
    }

    @Test
    void shouldDrainWhatALeavingPublisherPublished() {
        Sluice sluice = participant("node");
        Subscriber<MemorySegment> subscriber = sluice.subscriber("/last_words", BLOB, Qos.queue(8));
        Publisher<MemorySegment> publisher = participant("speaker").publisher("/last_words", BLOB);
        publishLong(publisher, 0, 8);
        assertEquals(List.of(0L), drain(subscriber), "attached");
        publishLong(publisher, 1, 8);
        publishLong(publisher, 2, 8);
        publisher.close();
        assertEquals(List.of(1L, 2L), drain(subscriber));
        assertEquals(0, subscriber.publisherCount());
    }

    @Test
    void shouldKeepAReliableSubscriberWholeWhenAPublisherRestartsIntoTheSameRow() {
        Sluice sluice = participant("node");
        Subscriber<MemorySegment> subscriber = sluice.subscriber("/restart", BLOB, Qos.reliable(16));
        Publisher<MemorySegment> first = participant("first").publisher("/restart", BLOB,
            PublisherOptions.defaults().withSlots(16).withReliableTimeout(Duration.ofMillis(50)));
        for (int value = 0; value < 10; value++) {
            publishLong(first, value, 8);
        }
        try (Sample<MemorySegment> sample = subscriber.take()) {
            assertEquals(0, readLong(sample));
        }
        first.close(); // gives up waiting for the subscriber after 50 ms: nine samples still unread
        Publisher<MemorySegment> second = participant("second").publisher("/restart", BLOB,
            PublisherOptions.defaults().withSlots(2).withReliableTimeout(Duration.ofMillis(100)));
        for (int value = 1; value < 9; value++) {
            try (Sample<MemorySegment> sample = subscriber.take()) {
                assertEquals(value, readLong(sample), "the first publisher's samples drain in order");
            }
        }
        publishLong(second, 100, 8);
        publishLong(second, 101, 8);
        assertThrows(PublishTimeoutException.class, () -> second.loan(8),
            "the subscriber has read nothing of the second publisher, whose two slots are full");
        assertEquals(List.of(9L, 100L, 101L), drain(subscriber));
        assertEquals(0, subscriber.lostCount());
    }

    @Test
    void shouldCountWhatAPublisherThatLeftBeforeTheSubscriberLookedPublished() {
        Sluice sluice = participant("node");
        Subscriber<MemorySegment> early = sluice.subscriber("/short_lived", BLOB, Qos.queue(8));
        Publisher<MemorySegment> publisher = participant("speaker").publisher("/short_lived", BLOB);
        publishLong(publisher, 1, 8);
        publishLong(publisher, 2, 8);
        publishLong(publisher, 3, 8);
        publisher.close();
        assertNull(early.take(), "its files are gone with it");
        assertEquals(3, early.lostCount(), "but the loss is counted");
    }

    @Test
    void shouldRefuseLoansOutsideTheAllowedSizes() {
        Sluice sluice = open("limited-" + System.nanoTime());
        participants.add(sluice);
        Sluice limited = Sluice.open("limited", sluice.options().withMaxMessageSize(1000));
        participants.add(limited);
        Publisher<MemorySegment> publisher = limited.publisher("/small", BLOB);
        IllegalArgumentException tooLarge = assertThrows(IllegalArgumentException.class, () -> publisher.loan(1001));
        assertTrue(tooLarge.getMessage().contains("size=1001") && tooLarge.getMessage().contains("maxMessageSize=1000"),
            tooLarge.getMessage());
        assertThrows(IllegalArgumentException.class, () -> publisher.loan(-1));
        publishLong(publisher, 1, 1000);
    }

    private static List<Long> drain(Subscriber<MemorySegment> subscriber) {
        List<Long> received = new ArrayList<>();
        for (Sample<MemorySegment> next = subscriber.take(); next != null; next = subscriber.take()) {
            try (Sample<MemorySegment> sample = next) {
                received.add(readLong(sample));
            }
        }
        return received;
    }
}
