package io.sluice.it;

import io.sluice.CleanReport;
import io.sluice.Publisher;
import io.sluice.PublisherOptions;
import io.sluice.Qos;
import io.sluice.Sample;
import io.sluice.Sluice;
import io.sluice.Subscriber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static io.sluice.it.ParticipantChild.TYPE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A crash in a domain nobody opens again (each {@code sluice demo} run uses a fresh one) is cleaned up by the next
 * participant of any domain of the same user, or by {@code Sluice.clean}; a live participant of another domain is
 * never disturbed.
 */
class CrossDomainSweepTest extends MultiProcessTest {
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(30);

    private List<String> files(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(directory)) {
            return list.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    @Timeout(120)
    void shouldRemoveWhatACrashLeftInAnotherDomainAndLeaveTheLiveAlone() throws Exception {
        Path crashed = root.domainDirectory(); // domain 0, the children's
        ChildJvm camera = children.start("camera", ParticipantChild.class, root.path().toString());
        camera.request("PUB /camera/rgb 4 1048576 1000 0", "PUB-READY", CHILD_TIMEOUT);
        camera.request("SUBS 1 /camera/rgb QUEUE 4", "SUBS-READY", CHILD_TIMEOUT);
        camera.request("PUBLISH 2 1000000", "PUBLISHED", CHILD_TIMEOUT);
        camera.kill();
        assertEquals(List.of("camera.rgb.1.seg", "camera.rgb.topic"), files(crashed));

        Sluice live = Sluice.open("live", root.options().withDomain(2));
        try {
            Subscriber<MemorySegment> subscriber = live.subscriber("/map", TYPE, Qos.queue(4));
            Publisher<MemorySegment> publisher = live.publisher("/map", TYPE, PublisherOptions.defaults());
            assertEquals(List.of(), files(crashed), "domain 2's open swept domain 0, where everybody died");
            List<String> liveFiles = files(live.directory());

            try (Sluice other = Sluice.open("other", root.options().withDomain(1))) {
                assertTrue(other.directory().toString().endsWith("-1"));
            }
            assertEquals(liveFiles, files(live.directory()), "a live participant's files are left alone");
            try (var loan = publisher.loan(64)) {
                Payload.fill(loan.segment(), 0);
                loan.publish();
            }
            try (Sample<MemorySegment> sample = subscriber.take(CHILD_TIMEOUT)) {
                assertNotNull(sample, "the live domain still works after the others' sweeps");
            }

            CleanReport report = Sluice.clean(root.path());
            assertEquals(3, report.domains(), "domains 0, 1 and 2: " + report);
            assertEquals(2, report.directoriesRemoved(), "the empty directories of domains 0 and 1: " + report);
            assertTrue(Files.isDirectory(live.directory()), "the live domain stays");
            assertEquals(liveFiles, files(live.directory()));
        } finally {
            live.close();
        }
        CleanReport last = Sluice.clean(root.path());
        assertEquals(new CleanReport(1, 0, 0, 1), last, "the last one out removed its files; clean the directory");
    }

    @Test
    @Timeout(120)
    void shouldReportTheFilesAndBytesACleanRemoves() {
        ChildJvm camera = children.start("camera", ParticipantChild.class, root.path().toString());
        camera.request("PUB /depth 2 1048576 1000 0", "PUB-READY", CHILD_TIMEOUT);
        camera.kill();
        CleanReport report = Sluice.clean(root.path());
        assertEquals(1, report.domains());
        assertEquals(2, report.files(), "the topic file and the segment: " + report);
        assertTrue(report.bytes() > 2 * 1048576, "at least the two slots of 1 MiB: " + report);
        assertEquals(1, report.directoriesRemoved());
    }
}
