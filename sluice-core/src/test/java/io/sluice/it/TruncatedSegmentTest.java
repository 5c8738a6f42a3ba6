package io.sluice.it;

import io.sluice.Publisher;
import io.sluice.Sluice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

import static io.sluice.it.ParticipantChild.TYPE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Invariant 4 for a segment damaged after a subscriber attached: another process truncates a live segment file
 * (a page past the end of a file faults with SIGBUS when touched). The subscriber's process must survive with an
 * exception that names the damaged file, and keep working on other topics. Publisher and subscriber are children,
 * so a fault cannot take the test JVM down.
 */
class TruncatedSegmentTest extends MultiProcessTest {
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(30);

    @Test
    @Timeout(90)
    void shouldReportSegmentTruncatedUnderAttachedSubscriber() throws Exception {
        ChildJvm publisher = children.start("publisher", ParticipantChild.class, root.path().toString());
        publisher.request("PUB /cut 4 65536 1000 0", "PUB-READY", CHILD_TIMEOUT);
        ChildJvm subscriber = children.start("subscriber", ParticipantChild.class, root.path().toString());
        subscriber.request("SUBS 1 /cut QUEUE 4", "SUBS-READY 1 publishers=1", CHILD_TIMEOUT);
        publisher.request("PUBLISH 1 1000", "PUBLISHED", CHILD_TIMEOUT);
        assertEquals("RECEIVED samples=1 torn=0 lost=0 seqs=0 sizes=1000",
            subscriber.request("RECEIVE 1 10000", "RECEIVED", CHILD_TIMEOUT));
        publisher.request("PUBLISH 1 1000", "PUBLISHED", CHILD_TIMEOUT);

        // keep only the header page: the ring and the slots are gone under the subscriber's mapping
        Path segment = root.domainDirectory().resolve("cut.1.seg");
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            channel.truncate(4096);
        }
        subscriber.send("RECEIVE 1 2000");
        String answer = subscriber.expect("", CHILD_TIMEOUT);
        System.out.println("subscriber after the truncation: " + answer);
        assertTrue(subscriber.isAlive(), "the subscriber's JVM survives" + subscriber.stderr());

        // the process goes on: a healthy topic works in it
        sluice = Sluice.open("test", root.options());
        Publisher<MemorySegment> healthy = sluice.publisher("/healthy", TYPE);
        assertEquals("CLOSEDSUBS 1", subscriber.request("CLOSESUBS", "CLOSEDSUBS", CHILD_TIMEOUT));
        subscriber.request("SUBS 1 /healthy QUEUE 4", "SUBS-READY 1 publishers=1", CHILD_TIMEOUT);
        SubscriberCrashTest.publish(healthy, 0, 500);
        assertEquals("RECEIVED samples=1 torn=0 lost=0 seqs=0 sizes=500",
            subscriber.request("RECEIVE 1 10000", "RECEIVED", CHILD_TIMEOUT));

        assertTrue(answer.startsWith("ERROR io.sluice.CorruptDataException") && answer.contains("cut.1.seg"),
            "a take on the truncated segment should raise a CorruptDataException naming the file, was: " + answer);
    }
}
