package io.sluice.shm;

import io.sluice.Await;
import io.sluice.MessageType;
import io.sluice.Publisher;
import io.sluice.PublisherOptions;
import io.sluice.Qos;
import io.sluice.Sample;
import io.sluice.Sluice;
import io.sluice.Subscriber;
import io.sluice.it.Payload;
import io.sluice.it.Waiting;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.sluice.shm.Participants.drain;
import static io.sluice.shm.Participants.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A publisher that dies, inside this JVM ({@link Participants#crash}: its row lock drops as a killed process's
 * would, its row and files stay): how its subscribers find out, what they still take, what they count and what
 * they reclaim. The multi-process tests ({@code it/PublisherCrashTest}, {@code it/TransportCrashDefectTest}) kill
 * real processes; these run in one JVM, so that a mutation test reaches the subscriber's side of a death.
 *
 * <p>Where a test needs to say when a probe runs, it drives the subscriber's upkeep ({@link ShmSubscriber#maintain})
 * with a clock of its own, ahead of the real one; the probe uses no other clock.
 */
@Timeout(60)
class PublisherDeathTest {
    private static final MessageType<MemorySegment> TYPE = BadInputFiles.TYPE;
    private static final long INTERVAL = PublisherSources.PROBE_INTERVAL_NANOS;

    private final Participants participants = new Participants();

    @AfterEach
    void cleanUp() throws Exception {
        participants.close();
    }


    @ParameterizedTest
    @EnumSource(value = Qos.Kind.class, names = {"QUEUE", "RELIABLE"})
    void shouldGiveAnInOrderSubscriberWhatADeadPublisherPublishedAfterReclaimingIt(Qos.Kind kind) {
        ShmSubscriber<MemorySegment> subscriber = subscriber("/depth", kind == Qos.Kind.QUEUE ? Qos.queue(16)
            : Qos.reliable(16));
        Publisher<MemorySegment> publisher = participants.open("camera").publisher("/depth", TYPE);
        for (long sequence = 0; sequence < 4; sequence++) {
            publish(publisher, sequence, 256);
        }
        try (Sample<MemorySegment> first = subscriber.take()) {
            assertEquals(0, first.sequence(), "attached, by taking");
        }
        Participants.crash(publisher);
        assertEquals(List.of("depth.1.seg", "depth.topic"), participants.files(), "nobody has looked yet");

        long asked = subscriber.publisherLockProbes();
        subscriber.maintain(System.nanoTime() + 10 * INTERVAL);
        assertEquals(asked + 1, subscriber.publisherLockProbes(), "its lock is asked: nothing else says it lives");
        assertEquals(List.of("depth.topic"), participants.files(), "the upkeep found the death and reclaimed row and segment");

        assertEquals(List.of(1L, 2L, 3L), drain(subscriber), "what it published is still taken, in order");
        assertEquals(0, subscriber.lostCount());
        assertEquals(0, subscriber.publisherCount());
        assertNull(subscriber.take());
    }

    @Test
    void shouldLetALatestSubscriberForgetADeadPublisherWithoutCountingWhatItSkips() {
        ShmSubscriber<MemorySegment> subscriber = subscriber("/depth", Qos.latest());
        Publisher<MemorySegment> publisher = participants.open("camera").publisher("/depth", TYPE);
        publish(publisher, 0, 256);
        try (Sample<MemorySegment> first = subscriber.take()) {
            assertEquals(0, first.sequence());
        }
        publish(publisher, 1, 256);
        publish(publisher, 2, 256);
        Participants.crash(publisher);
        subscriber.maintain(System.nanoTime() + 10 * INTERVAL);
        assertEquals(List.of("depth.topic"), participants.files(), "the death is found and reclaimed");
        assertNull(subscriber.take(), "a latest subscriber lets a dead publisher go at once");
        assertEquals(0, subscriber.lostCount(), "skipping is what latest does: nothing is counted lost");
    }

    @Test
    void shouldKeepASampleHeldFromAPublisherThatDiesReadableUntilItIsClosed() throws Exception {
        ShmSubscriber<MemorySegment> subscriber = subscriber("/cloud", Qos.queue(8));
        Publisher<MemorySegment> publisher = participants.open("lidar").publisher("/cloud", TYPE);
        publish(publisher, 0, 4096);
        Sample<MemorySegment> held = subscriber.take();
        Participants.crash(publisher);
        subscriber.maintain(System.nanoTime() + 10 * INTERVAL);
        assertEquals(List.of("cloud.topic"), participants.files(), "the dead publisher's file is removed");
        assertEquals(0, subscriber.publisherCount());
        assertNull(subscriber.take(), "and forgotten once drained");
        assertTrue(participants.mappings("cloud.1.seg") > 0, "the held sample keeps its generation mapped");
        assertTrue(Payload.verify(held.segment(), 0), "and readable");
        held.close();
        assertEquals(0, participants.mappings("cloud.1.seg"), "unmapped with the last sample on it");
    }

    @Test
    void shouldChargeASubscriberThatNeverLookedWithWhatADeadPublisherPublished() {
        ShmSubscriber<MemorySegment> early = subscriber("/unseen", Qos.queue(16));
        Publisher<MemorySegment> publisher = participants.open("camera").publisher("/unseen", TYPE);
        for (long sequence = 0; sequence < 3; sequence++) {
            publish(publisher, sequence, 1000);
        }
        Participants.crash(publisher);
        assertEquals(0, early.publisherCount(), "publisherCount() probes at once: dead, reclaimed");
        assertNull(early.take(), "nothing of the dead publisher can be read any more");
        assertEquals(3, early.lostCount(), "what it published is counted lost, not dropped silently");
        assertEquals(List.of("unseen.topic"), participants.files());
    }

    /**
     * The publisher dies in the middle of its close, after it charged the subscriber that never attached (the journal
     * written and the add done, the entry not settled yet; or the entry settled, its files not removed yet): whoever
     * reclaims it charges again, and the subscriber is charged exactly once.
     */
    @ParameterizedTest
    @EnumSource(value = FaultPoint.class, names = {"CHARGE_ADDED", "PUBLISHER_CLOSE_CHARGED"})
    void shouldChargeASubscriberOnceWhenThePublisherDiesInTheMiddleOfItsClose(FaultPoint point) throws Exception {
        ShmSubscriber<MemorySegment> early = subscriber("/unseen", Qos.queue(16));
        Publisher<MemorySegment> publisher = participants.open("camera").publisher("/unseen", TYPE);
        for (long sequence = 0; sequence < 3; sequence++) {
            publish(publisher, sequence, 1000);
        }
        try (AutoCloseable hook = Participants.throwAt(point)) { // it dies there, its close half done
            org.junit.jupiter.api.Assertions.assertThrows(Participants.Fault.class, publisher::close);
        }
        assertEquals(List.of("unseen.1.seg", "unseen.topic"), participants.files(), "it died before its files went");
        assertEquals(0, early.publisherCount(), "found dead and reclaimed");
        assertEquals(List.of("unseen.topic"), participants.files());
        assertNull(early.take());
        assertEquals(3, early.lostCount(), "charged once for what it published, by its close and its reclaimer");
    }

    @ParameterizedTest
    @EnumSource(value = Qos.Kind.class, names = {"QUEUE", "RELIABLE"})
    void shouldDeliverOrCountEverySampleOfAPublisherThatDiesAfterGrowingPastALaggingSubscriber(Qos.Kind kind) {
        ShmSubscriber<MemorySegment> lagging = subscriber("/grown", kind == Qos.Kind.QUEUE ? Qos.queue(16)
            : Qos.reliable(16));
        Publisher<MemorySegment> publisher = participants.open("camera").publisher("/grown", TYPE,
            PublisherOptions.defaults().withInitialSize(1024));
        publish(publisher, 0, 1000);
        publish(publisher, 1, 1000);
        publish(publisher, 2, 64 * 1024); // generation 2
        publish(publisher, 3, 1024 * 1024); // generation 3
        try (Sample<MemorySegment> first = lagging.take()) {
            assertEquals(0, first.sequence(), "the subscriber is still in generation 1");
        }
        Participants.crash(publisher);
        lagging.maintain(System.nanoTime() + 10 * INTERVAL);
        assertEquals(List.of("grown.topic"), participants.files(), "every generation of the dead publisher is removed");

        List<Long> taken = drain(lagging);
        assertEquals(3, taken.size() + lagging.lostCount(),
            "samples 1..3 are taken or counted lost: taken=" + taken + ", lost=" + lagging.lostCount());
        assertTrue(taken.contains(1L), "generation 1, still mapped, is read to its end: " + taken);
        assertEquals(0, lagging.publisherCount());
    }

    @ParameterizedTest
    @EnumSource(Waiting.class)
    void shouldNoticeADeadPublisherWhileWaitingWithoutBeingAsked(Waiting waiting) throws Exception {
        Sluice viewer = participants.open("viewer");
        Subscriber<MemorySegment> subscriber = viewer.subscriber("/rgb", TYPE,
            Qos.queue(8).withWaitStrategy(waiting.strategy));
        Publisher<MemorySegment> publisher = participants.open("camera").publisher("/rgb", TYPE);
        publish(publisher, 0, 4096);
        try (Sample<MemorySegment> first = subscriber.take()) {
            assertEquals(0, first.sequence(), "attached, by taking");
        }
        try (Waiting.Waiter waiter = waiting.start(subscriber)) {
            Participants.crash(publisher);
            Await.until(() -> "the " + waiting + " subscriber removed the dead publisher's segment: " + participants.files(),
                () -> !participants.files().contains("rgb.1.seg") || waiter.firstTaken.isDone(), Await.HANG);
            assertFalse(waiter.firstTaken.isDone(), () -> "the wait ended before the death was noticed: "
                + waiter.outcome());
            assertEquals(List.of("rgb.topic"), participants.files(), "the dead publisher's row and segment are gone");

            publish(viewer.publisher("/rgb", TYPE), 0, 64);
            assertEquals(0L, waiter.firstTaken.get(Await.HANG.toSeconds(), TimeUnit.SECONDS),
                "the same wait takes from the next publisher");
            waiter.thread.join(Await.HANG.toMillis());
        }
    }

    @Test
    void shouldAskThePublishersLockOnlyWhenNothingElseSaysItLives() throws Exception {
        Publisher<MemorySegment> publisher = participants.open("camera").publisher("/rate", TYPE);
        publish(publisher, 0, 64);
        ShmSubscriber<MemorySegment> subscriber = subscriber("/rate", Qos.queue(8)); // attaches now
        PublisherSources<MemorySegment> sources = sources(subscriber);
        int index = attached(sources, 0).index;
        long base = System.nanoTime() + 10 * INTERVAL; // this test's clock, ahead of every real evidence
        long probes = subscriber.probes();

        subscriber.maintain(base);
        assertEquals(probes + 1, subscriber.probes());
        assertEquals(1, subscriber.publisherLockProbes(), "no evidence younger than an interval: its lock is asked");
        subscriber.maintain(base + INTERVAL - 1);
        assertEquals(probes + 1, subscriber.probes(), "no probe before an interval has passed");

        publish(publisher, 1, 64);
        subscriber.maintain(base + INTERVAL);
        assertEquals(probes + 2, subscriber.probes(), "a probe once an interval has passed");
        assertEquals(1, subscriber.publisherLockProbes(), "its TAIL moved since the last probe: it lives");

        subscriber.maintain(base + 2 * INTERVAL);
        assertEquals(2, subscriber.publisherLockProbes(), "the TAIL stood still, the evidence is two intervals old");
        subscriber.maintain(base + 3 * INTERVAL);
        assertEquals(3, subscriber.publisherLockProbes(), "its lock answered an interval ago: asked again");

        sources.sawSample(index, base + 3 * INTERVAL + INTERVAL / 2, base + 3 * INTERVAL + INTERVAL / 2);
        subscriber.maintain(base + 4 * INTERVAL);
        assertEquals(probes + 5, subscriber.probes());
        assertEquals(3, subscriber.publisherLockProbes(), "a sample taken half an interval ago says it lives");
        assertEquals(List.of("rate.1.seg", "rate.topic"), participants.files(), "alive: nothing reclaimed");

        Participants.crash(publisher);
        subscriber.maintain(base + 5 * INTERVAL);
        assertEquals(4, subscriber.publisherLockProbes());
        assertEquals(List.of("rate.topic"), participants.files(), "asked once more, found dead, reclaimed");
        assertEquals(List.of(1L), drain(subscriber), "it joined after sample 0 (no history): sample 1 is its own");
    }

    @Test
    void shouldSleepUntilAQuietIntervalAfterTheOldestEvidenceThatAPublisherLives() throws Exception {
        ShmSubscriber<MemorySegment> subscriber = subscriber("/quiet", Qos.queue(8));
        PublisherSources<MemorySegment> sources = sources(subscriber);
        long now = System.nanoTime();
        assertEquals(INTERVAL, sources.sleepNanos(now), "with no publisher only the probe interval bounds a sleep");

        Publisher<MemorySegment> early = participants.open("early").publisher("/quiet", TYPE);
        Publisher<MemorySegment> late = participants.open("late").publisher("/quiet", TYPE);
        publish(early, 0, 64);
        publish(late, 0, 64);
        assertEquals(2, drain(subscriber).size(), "both attached, by taking");
        PublisherSource<MemorySegment> first = attached(sources, 0);
        PublisherSource<MemorySegment> second = attached(sources, 1);
        long base = System.nanoTime() + 100 * INTERVAL; // ahead of every evidence so far
        first.aliveAt = base;
        second.aliveAt = base + INTERVAL / 2;
        subscriber.maintain(base - INTERVAL); // the last probe: asks no lock (both younger than an interval)
        assertEquals(PublisherSources.QUIET_NANOS, sources.sleepNanos(base),
            "a quiet interval after the oldest evidence");
        assertEquals(PublisherSources.QUIET_NANOS - INTERVAL / 4, sources.sleepNanos(base + INTERVAL / 4));
        assertEquals(1, sources.sleepNanos(base + 3 * INTERVAL), "past due: the shortest sleep, never none");

        second.aliveAt = base - INTERVAL / 2; // now the older one bounds it
        assertEquals(PublisherSources.QUIET_NANOS - INTERVAL / 2, sources.sleepNanos(base));

        subscriber.maintain(base + 2 * INTERVAL); // a probe, later than a quiet interval after the evidence
        first.aliveAt = base - 10 * INTERVAL;
        second.aliveAt = base - 10 * INTERVAL;
        assertEquals(INTERVAL, sources.sleepNanos(base + 2 * INTERVAL),
            "never before the next probe is due, however old the evidence");
    }

    @Test
    void shouldNeverTakeAFutureStampAsEvidenceLaterThanTheTake() throws Exception {
        ShmSubscriber<MemorySegment> subscriber = subscriber("/stamp", Qos.queue(8));
        Publisher<MemorySegment> publisher = participants.open("camera").publisher("/stamp", TYPE);
        publish(publisher, 0, 64);
        subscriber.take().close();
        PublisherSources<MemorySegment> sources = sources(subscriber);
        PublisherSource<MemorySegment> source = attached(sources, 0);
        long now = System.nanoTime() + 100 * INTERVAL;
        sources.sawSample(source.index, now + 1_000 * INTERVAL, now); // a damaged stamp, far ahead
        assertEquals(now, source.aliveAt, "the take's time, not the stamp");
        sources.sawSample(source.index, now - INTERVAL, now + INTERVAL);
        assertEquals(now, source.aliveAt, "older evidence changes nothing");
        sources.sawSample(source.index, now + INTERVAL / 2, now + INTERVAL);
        assertEquals(now + INTERVAL / 2, source.aliveAt, "an earlier stamp is the evidence");
    }

    private ShmSubscriber<MemorySegment> subscriber(String topic, Qos qos) {
        return (ShmSubscriber<MemorySegment>) participants.open("viewer" + topic.replace('/', '-'))
            .subscriber(topic, TYPE, qos);
    }

    @SuppressWarnings("unchecked")
    private static PublisherSources<MemorySegment> sources(ShmSubscriber<MemorySegment> subscriber)
        throws ReflectiveOperationException {
        java.lang.reflect.Field field = ShmSubscriber.class.getDeclaredField("publishers");
        field.setAccessible(true);
        return (PublisherSources<MemorySegment>) field.get(subscriber);
    }

    /** The {@code nth} attached publisher, by row. */
    private static PublisherSource<MemorySegment> attached(PublisherSources<MemorySegment> sources, int nth) {
        int seen = 0;
        for (PublisherSource<MemorySegment> source : sources.sources) {
            if (source != null && seen++ == nth) {
                return source;
            }
        }
        throw new AssertionError("fewer than " + (nth + 1) + " publishers attached");
    }

}
