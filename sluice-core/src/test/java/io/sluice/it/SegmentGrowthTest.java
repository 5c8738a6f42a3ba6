package io.sluice.it;

import io.sluice.Publisher;
import io.sluice.PublisherOptions;
import io.sluice.Sluice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

import static io.sluice.it.ParticipantChild.TYPE;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A loan above the slot size grows the publisher's segment (a new generation); subscribers in other processes follow
 * without noticing, a reliable one gets every sample in order across each growth, and a sample held from the old
 * generation stays intact.
 */
class SegmentGrowthTest extends MultiProcessTest {
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(30);
    private static final long KB = 1024;
    private static final long MB = 1024 * KB;

    @Test
    @Timeout(120)
    void shouldDeliverGrownMessagesToSubscribersInAnotherProcess() {
        sluice = Sluice.open("test", root.options());
        Publisher<MemorySegment> publisher = sluice.publisher("/cloud", TYPE, PublisherOptions.defaults()
            .withSlots(4).withInitialSize(64 * KB).withReliableTimeout(Duration.ofSeconds(30)));
        ChildJvm reliable = children.start("reliable", ParticipantChild.class, root.path().toString());
        reliable.request("SUBS 1 /cloud RELIABLE 4", "SUBS-READY 1 publishers=1", CHILD_TIMEOUT);
        ChildJvm latest = children.start("latest", ParticipantChild.class, root.path().toString());
        latest.request("SUBS 1 /cloud LATEST 1", "SUBS-READY 1 publishers=1", CHILD_TIMEOUT);
        assertEquals(List.of("cloud.1.seg", "cloud.topic"), root.domainFiles());

        // sequence 0 fits the first generation; the reliable child keeps holding it through the growth
        SubscriberCrashTest.publish(publisher, 0, 16 * KB);
        assertEquals("HELD 1 seqs=0 torn=0", reliable.request("HOLD 1 10000", "HELD", CHILD_TIMEOUT));

        List<Long> sizes = new ArrayList<>(List.of(16 * KB));
        for (long size : new long[] {16 * KB, 1 * MB, 1 * MB + 7, 4 * MB, 64 * KB, 6 * MB + 3, 6 * MB}) {
            sizes.add(size);
        }
        int count = sizes.size();
        reliable.send("RECEIVE " + (count - 1) + " 60000");
        for (int sequence = 1; sequence < count; sequence++) {
            SubscriberCrashTest.publish(publisher, sequence, sizes.get(sequence)); // waits for the reliable child
        }

        StringJoiner expectedSeqs = new StringJoiner(",");
        StringJoiner expectedSizes = new StringJoiner(",");
        for (int sequence = 1; sequence < count; sequence++) {
            expectedSeqs.add(Integer.toString(sequence));
            expectedSizes.add(Long.toString(sizes.get(sequence)));
        }
        assertEquals("RECEIVED samples=" + (count - 1) + " torn=0 lost=0 seqs=" + expectedSeqs + " sizes="
            + expectedSizes, reliable.expect("RECEIVED", Duration.ofSeconds(90)));
        assertEquals("VERIFIED 1 torn=0", reliable.request("VERIFYHELD", "VERIFIED", CHILD_TIMEOUT),
            "a sample held from the first generation stays intact after the publisher moved on");
        assertEquals("RELEASED 1", reliable.request("RELEASE", "RELEASED", CHILD_TIMEOUT));

        String newest = "seqs=" + (count - 1) + " sizes=" + sizes.get(count - 1);
        assertEquals("RECEIVED samples=1 torn=0 lost=0 " + newest, latest.request("RECEIVE 1 10000", "RECEIVED",
            CHILD_TIMEOUT), "the latest child gets the newest, largest sample");

        // old generations may stay until the publisher sees that no in-order subscriber still needs them
        System.out.println("segment files after growing: " + root.segmentFiles());

        reliable.request("EXIT", "BYE", CHILD_TIMEOUT);
        latest.request("EXIT", "BYE", CHILD_TIMEOUT);
        reliable.awaitExit(CHILD_TIMEOUT);
        latest.awaitExit(CHILD_TIMEOUT);
        sluice.close();
        sluice = null;
        assertEquals(List.of(), root.domainFiles(), "the last participant to leave removes the topic's files");
    }

    @Test
    @Timeout(120)
    void shouldKeepOldGenerationsForLaggingReliableSubscriberWhenAnotherProcessJoins() {
        sluice = Sluice.open("test", root.options());
        Publisher<MemorySegment> publisher = sluice.publisher("/cloud", TYPE, PublisherOptions.defaults()
            .withSlots(4).withInitialSize(64 * KB).withReliableTimeout(Duration.ofSeconds(30)));
        ChildJvm reliable = children.start("reliable", ParticipantChild.class, root.path().toString());
        reliable.request("SUBS 1 /cloud RELIABLE 8", "SUBS-READY 1 publishers=1", CHILD_TIMEOUT);

        // two growths while the reliable child takes nothing: it still needs generations 1 and 2
        SubscriberCrashTest.publish(publisher, 0, 16 * KB);
        SubscriberCrashTest.publish(publisher, 1, 1 * MB);
        SubscriberCrashTest.publish(publisher, 2, 4 * MB);
        System.out.println("before another process joins: " + root.domainFiles());

        // any process opening the domain sweeps it
        ChildJvm bystander = children.start("bystander", ParticipantChild.class, root.path().toString());
        bystander.expect("STARTED", CHILD_TIMEOUT);
        System.out.println("after another process joined: " + root.domainFiles());

        assertEquals("RECEIVED samples=3 torn=0 lost=0 seqs=0,1,2 sizes=" + 16 * KB + "," + MB + "," + 4 * MB,
            reliable.request("RECEIVE 3 5000", "RECEIVED", CHILD_TIMEOUT),
            "a reliable subscriber gets every sample across the growths, whoever opens the domain meanwhile");
    }
}
