package io.sluice.bench.peers;

import io.sluice.cli.ShmLease;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The coordinator and the Java harness end to end over Sluice: each measurement starts its receivers and sender
 * as child JVMs, collects their result lines and cleans up. Asserts what was delivered and counted, never speed.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class SluicePeerRunTest {
    @TempDir
    static Path root;
    private static PeerSetup setup;
    private static PeersRun run;
    /** What the run makes in /dev/shm, leased so that it goes if this JVM is killed midway (see ShmLease). */
    private static final List<ShmLease> LEASES = new ArrayList<>();
    private static final ByteArrayOutputStream PROGRESS = new ByteArrayOutputStream();

    @BeforeAll
    static void open() {
        long pid = ProcessHandle.current().pid();
        setup = new PeerSetup(root, new PrintStream(PROGRESS, true, StandardCharsets.UTF_8));
        for (String name : List.of(ShmLease.domainDirectory(setup.domain()), "sluice-peers-" + pid + "-run",
                "sluice-peers-aeron-" + pid)) {
            LEASES.add(ShmLease.of(name));
        }
        run = new PeersRun(setup, new PrintStream(PROGRESS, true, StandardCharsets.UTF_8));
    }

    @AfterAll
    static void close() {
        run.close();
        setup.close();
        try {
            assertFalse(Files.exists(Path.of("/dev/shm", "sluice-" + PeerSetup.uid() + "-" + setup.domain())),
                "the run's domain directory is removed");
        } finally {
            LEASES.forEach(ShmLease::close);
            LEASES.clear();
        }
    }

    private static PeerLauncher sluice(boolean spin) {
        return PeerLauncher.java(new Peer(spin ? "sluice-spin" : "sluice-block", "Sluice", "sluice", spin, "test"),
            "sluice", List.of());
    }

    @Test
    void shouldMeasureLatencyWithEveryByteTouched() {
        Measurement row = run.measure(sluice(false), new Point(Measurement.LATENCY, 4096, true, 1, 0, 0.2, 0.3));
        assertEquals(Measurement.OK, row.status(), row.reason());
        assertTrue(row.figure("count") > 0, row.figures().toString());
        assertTrue(row.figure("p50_ns") > 0 && row.figure("p50_ns") <= row.figure("p99_ns")
            && row.figure("p99_ns") <= row.figure("max_ns"), row.figures().toString());
        assertTrue(row.figure("roundtrips_per_s") > 0, row.figures().toString());
    }

    @Test
    void shouldDeliverEveryThroughputMessageReliably() {
        Measurement row = run.measure(sluice(true), new Point(Measurement.THROUGHPUT, 64, false, 1, 0, 0.2, 0.3));
        assertEquals(Measurement.OK, row.status(), row.reason());
        assertTrue(row.figure("received") > 0, row.figures().toString());
        assertEquals(0.0, row.figure("lost"), "a reliable subscriber loses nothing: " + row.figures());
    }

    @Test
    void shouldFanOutToEverySink() {
        Measurement row = run.measure(sluice(false), new Point(Measurement.FANOUT, 64 * 1024, false, 2, 50, 0.3,
            0.5));
        assertEquals(Measurement.OK, row.status(), row.reason());
        assertTrue(row.figure("sent") > 0, row.figures().toString());
        assertTrue(row.figure("delivered_pct") > 0 && row.figure("delivered_pct") <= 100, row.figures().toString());
        assertTrue(row.figure("cpu_pct_per_sub") >= 0, row.figures().toString());
    }

    @Test
    void shouldReportAHarnessThatCannotStartAsFailedWithItsReason() {
        PeerLauncher unknown = PeerLauncher.java(new Peer("nothing", "Nothing", "nothing", false, "test"), "nothing",
            List.of());
        Measurement row = run.measure(unknown, new Point(Measurement.LATENCY, 64, false, 1, 0, 0.1, 0.1));
        assertEquals(Measurement.FAILED, row.status());
        assertTrue(row.reason().contains("unknown transport: nothing"), row.reason());
    }
}
