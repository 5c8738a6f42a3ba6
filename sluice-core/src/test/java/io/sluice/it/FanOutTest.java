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

/** 64 subscribers of one topic, spread over 4 processes, each receive every sample. */
class FanOutTest extends MultiProcessTest {
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(60);
    private static final int PROCESSES = 4;
    private static final int SUBSCRIBERS_PER_PROCESS = 16;
    private static final int SAMPLES = 12;

    @Test
    @Timeout(120)
    void shouldDeliverEverySampleToSixtyFourSubscribersInFourProcesses() {
        sluice = Sluice.open("test", root.options());
        // enough slots for every sample: the subscribers take only after all are published
        Publisher<MemorySegment> publisher = sluice.publisher("/fan", TYPE,
            PublisherOptions.defaults().withSlots(SAMPLES + 2));
        List<ChildJvm> processes = new ArrayList<>();
        for (int i = 0; i < PROCESSES; i++) {
            ChildJvm child = children.start("fan-" + i, ParticipantChild.class, root.path().toString());
            child.send("SUBS " + SUBSCRIBERS_PER_PROCESS + " /fan QUEUE 16");
            processes.add(child);
        }
        for (ChildJvm child : processes) {
            assertEquals("SUBS-READY " + SUBSCRIBERS_PER_PROCESS + " publishers=1",
                child.expect("SUBS-READY", CHILD_TIMEOUT));
        }
        assertEquals(PROCESSES * SUBSCRIBERS_PER_PROCESS, publisher.subscriberCount());

        StringJoiner seqs = new StringJoiner(",");
        StringJoiner sizes = new StringJoiner(",");
        for (int sequence = 0; sequence < SAMPLES; sequence++) {
            long size = 1000 + sequence * 1000L;
            SubscriberCrashTest.publish(publisher, sequence, size);
            seqs.add(Integer.toString(sequence));
            sizes.add(Long.toString(size));
        }
        for (ChildJvm child : processes) {
            child.send("RECEIVE " + SAMPLES + " 30000");
        }
        for (ChildJvm child : processes) {
            assertEquals("RECEIVED samples=" + SUBSCRIBERS_PER_PROCESS * SAMPLES + " torn=0 lost=0 seqs=" + seqs
                + " sizes=" + sizes, child.expect("RECEIVED", CHILD_TIMEOUT), "every subscriber of " + child.name());
        }
        for (ChildJvm child : processes) {
            child.send("EXIT");
        }
        for (ChildJvm child : processes) {
            child.expect("BYE", CHILD_TIMEOUT);
            child.awaitExit(CHILD_TIMEOUT);
        }
        assertEquals(0, publisher.subscriberCount());
        sluice.close();
        sluice = null;
        assertEquals(List.of(), root.domainFiles(), "the last participant to leave removes every file");
    }
}
