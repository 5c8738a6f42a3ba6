package io.sluice.bench.peers;

import io.sluice.cli.Main;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The parts of the peer benchmark that run no process: arguments, percentiles, the plan, the figures. */
class PeersPlanTest {
    private static final String[] GOOD = {"sluice", "sink", "workload=fanout", "name=m1-42", "size=1024", "touch=1",
        "warmup=0.5", "duration=2", "rate=30", "subs=4", "index=3", "wait=spin", "domain=41000", "extra=ignored"};

    @Test
    void shouldParseEveryProtocolKey() {
        HarnessArgs args = HarnessArgs.parse(GOOD);
        assertEquals("sluice", args.transport());
        assertEquals(HarnessArgs.SINK, args.role());
        assertEquals(HarnessArgs.FANOUT, args.workload());
        assertEquals(1024, args.size());
        assertTrue(args.touch());
        assertEquals(500_000_000L, args.warmupNanos());
        assertEquals(2_000_000_000L, args.durationNanos());
        assertEquals(30.0, args.rate());
        assertEquals(4, args.subs());
        assertEquals(3, args.index());
        assertTrue(args.spin());
        assertEquals(41000, args.domain());
        assertEquals(0, args.prime());
        String[] primed = java.util.Arrays.copyOf(GOOD, GOOD.length + 1);
        primed[GOOD.length] = "prime=20000";
        assertEquals(20000, HarnessArgs.parse(primed).prime());
        primed[GOOD.length] = "prime=-1";
        assertEquals("prime out of range [0, 1000000]: prime=-1",
            assertThrows(IllegalArgumentException.class, () -> HarnessArgs.parse(primed)).getMessage());
        assertFalse(args.reliable());
        primed[GOOD.length] = "qos=reliable";
        assertTrue(HarnessArgs.parse(primed).reliable());
        primed[GOOD.length] = "qos=queue";
        assertFalse(HarnessArgs.parse(primed).reliable());
        primed[GOOD.length] = "qos=best-effort";
        assertEquals("qos must be queue or reliable: qos=best-effort",
            assertThrows(IllegalArgumentException.class, () -> HarnessArgs.parse(primed)).getMessage());
    }

    @Test
    void shouldRejectBadArgumentsNamingTheValue() {
        Map<String, String> bad = Map.of(
            "role=", "role must be ping, pong, source or sink: role=listen",
            "name=", "name must match [a-z0-9-]+: name=Bad_Name",
            "size=", "size must be at least 32: size=16",
            "index=", "need 0 <= index < subs: subs=4, index=4",
            "wait=", "wait must be block or spin: wait=poll",
            "duration=", "duration out of range [0, 3600] s: duration=-1.0");
        Map<String, String> values = Map.of("role=", "listen", "name=", "Bad_Name", "size=", "16", "index=", "4",
            "wait=", "poll", "duration=", "-1");
        for (Map.Entry<String, String> entry : bad.entrySet()) {
            String[] args = GOOD.clone();
            if (entry.getKey().equals("role=")) {
                args[1] = values.get("role=");
            } else {
                for (int i = 2; i < args.length; i++) {
                    if (args[i].startsWith(entry.getKey())) {
                        args[i] = entry.getKey() + values.get(entry.getKey());
                    }
                }
            }
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> HarnessArgs.parse(args), entry.getKey());
            assertEquals(entry.getValue(), error.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> HarnessArgs.parse(new String[] {"sluice"}));
        assertThrows(IllegalArgumentException.class,
            () -> HarnessArgs.parse(new String[] {"sluice", "ping", "workload=latency", "size=64"}));
    }

    @Test
    void shouldWriteThePublishedFiguresOnlyWhenAskedTo() {
        Path root = Path.of("/repo");
        PeersCommand.Options plain = options();
        assertFalse(plain.updateDocs());
        assertEquals(root.resolve("target/bench-peers"), PeersCommand.resultDirectory(plain, root));
        PeersCommand.Options quick = options("--quick");
        assertEquals(root.resolve("target/bench-peers/quick"), PeersCommand.resultDirectory(quick, root));
        PeersCommand.Options elsewhere = options("--out", "/tmp/x", "--update-docs");
        assertTrue(elsewhere.updateDocs());
        assertEquals(Path.of("/tmp/x"), PeersCommand.resultDirectory(elsewhere, root));
        assertThrows(CommandLine.ParameterException.class, () -> options("--quick", "--update-docs"));
    }

    @Test
    void shouldTakeNearestRankPercentiles() {
        LatencyValues values = new LatencyValues(1);
        for (int i = 100; i >= 1; i--) { // unsorted on purpose, and more than the initial capacity
            values.add(i);
        }
        Map<String, Object> summary = values.summary();
        assertEquals(List.of("p50_ns", "p90_ns", "p99_ns", "p999_ns", "max_ns", "mean_ns"),
            List.copyOf(summary.keySet()));
        assertEquals(List.of(50L, 90L, 99L, 100L, 100L, 50.5), List.copyOf(summary.values()));
        assertEquals(0L, new LatencyValues(4).summary().get("p99_ns"));
        assertEquals(7, LatencyValues.percentile(new long[] {7}, 1, 99.9));
    }

    @Test
    void shouldPlanEveryWorkloadOfTheIssue() {
        List<Point> full = Point.plan(false);
        assertEquals(10, full.stream().filter(p -> p.workload().equals(Measurement.LATENCY)).count());
        assertEquals(10, full.stream().filter(p -> p.workload().equals(Measurement.THROUGHPUT)).count());
        assertEquals(List.of(1, 4, 16, 32), full.stream().filter(p -> p.workload().equals(Measurement.FANOUT))
            .map(Point::subs).toList());
        Point camera = full.stream().filter(p -> p.workload().equals(Measurement.CAMERA)).findFirst().orElseThrow();
        assertEquals(68_567_040L, camera.size());
        assertEquals(15.0, camera.rate());
        assertEquals(3, camera.subs());
        assertEquals(Measurement.FANOUT, camera.harnessWorkload());
        assertEquals(List.of(64L, 1024L, 1L << 20, 8L << 20, 44L << 20), full.stream()
            .filter(p -> p.workload().equals(Measurement.LATENCY) && !p.touch()).map(Point::size).toList());
        List<Point> quick = Point.plan(true);
        assertEquals(List.of(Measurement.LATENCY, Measurement.THROUGHPUT, Measurement.CAMERA),
            quick.stream().map(Point::workload).toList());
    }

    @Test
    void shouldKeepBusyPollingPeersOutOfFanout() {
        Point fanout = new Point(Measurement.FANOUT, 8 << 20, false, 16, 30, 1, 1);
        Point latency = new Point(Measurement.LATENCY, 64, false, 1, 0, 1, 1);
        Peer spin = new Peer("sluice-spin", "", "sluice", true, "");
        Peer block = new Peer("sluice-block", "", "sluice", false, "");
        Peer aeronBlock = new Peer("aeron-offer-block", "", "aeron", false, "");
        Peer dds = new Peer("dds-udp", "", "cyclonedds", false, "");
        assertFalse(PeerSetup.runs(spin, fanout));
        assertTrue(PeerSetup.runs(spin, latency));
        assertTrue(PeerSetup.runs(block, fanout));
        assertTrue(PeerSetup.runs(aeronBlock, fanout));
        assertFalse(PeerSetup.runs(aeronBlock, latency));
        assertTrue(PeerSetup.runs(dds, latency));
        assertTrue(PeerSetup.runs(dds, fanout));
        Peer warm = new Peer(PeerSetup.WARM_SLUICE, "", "sluice", false, "");
        assertTrue(PeerSetup.runs(warm, fanout));
        assertFalse(PeerSetup.runs(warm, latency));
        Peer reliable = new Peer(PeerSetup.RELIABLE_SLUICE, "", "sluice", false, "");
        assertTrue(PeerSetup.runs(reliable, fanout));
        assertTrue(PeerSetup.runs(reliable, new Point(Measurement.CAMERA, 68_567_040L, false, 3, 15, 1, 1)));
        assertFalse(PeerSetup.runs(reliable, latency));
    }

    @Test
    void shouldSelectPeersByKeyFamilyOrPrefix() {
        assertTrue(PeerSetup.wanted(java.util.Set.of(), "anything"));
        assertTrue(PeerSetup.wanted(java.util.Set.of("sluice"), "sluice-block", "sluice"));
        assertTrue(PeerSetup.wanted(java.util.Set.of("aeron"), "aeron-claim", "aeron"));
        assertTrue(PeerSetup.wanted(java.util.Set.of("aeron-offer"), "aeron-offer", "aeron"));
        assertFalse(PeerSetup.wanted(java.util.Set.of("aeron-offer"), "aeron-claim", "aeron"));
        assertFalse(PeerSetup.wanted(java.util.Set.of("sluice-block"), "sluice-warm", "sluice"));
    }

    @Test
    void shouldMergeFanoutSinksConservatively() {
        Point point = new Point(Measurement.FANOUT, 8 << 20, false, 3, 30, 1, 2);
        List<HarnessProcess.Outcome> sinks = List.of(
            sink(60, 1_000_000, 3_000_000, 0.2, 2.0),
            sink(57, 2_000_000, 9_000_000, 0.4, 2.0),
            sink(60, 1_500_000, 4_000_000, 0.3, 2.0));
        Map<String, Double> figures = PeersRun.figures(point, Map.of("sent", 60.0), sinks);
        assertEquals(100.0 * 177 / 180, figures.get("delivered_pct"), 1e-9);
        assertEquals(1_500_000, figures.get("p50_ns"));       // the median sink's p50
        assertEquals(9_000_000, figures.get("p99_ns"));       // the worst sink's p99
        assertEquals(15.0, figures.get("cpu_pct_per_sub"), 1e-9); // (10% + 20% + 15%) / 3
        assertEquals(177.0 / 3 / 2, figures.get("fps"), 1e-9); // 60 sent at 30 Hz: the 2 s window
    }

    private static HarnessProcess.Outcome sink(double received, double p50, double p99, double cpu, double seconds) {
        return new HarnessProcess.Outcome(Measurement.OK, "", Map.of("received", received, "p50_ns", p50, "p99_ns",
            p99, "max_ns", p99, "cpu_s", cpu, "seconds", seconds));
    }

    @Test
    void shouldComputeThroughputFromTheSink() {
        Point point = new Point(Measurement.THROUGHPUT, 1024, false, 1, 0, 1, 2);
        Map<String, Double> figures = PeersRun.figures(point, Map.of("sent", 2000.0), List.of(new HarnessProcess
            .Outcome(Measurement.OK, "", Map.of("received", 2000.0, "bytes", 2_048_000.0, "seconds", 2.0, "lost",
            0.0))));
        assertEquals(999.5, figures.get("msgs_per_s")); // 2,000 arrivals over 2 s are 1,999 intervals
        assertEquals(999.5 * 1024 / 1e9, figures.get("gb_per_s"), 1e-12);
        assertEquals(0.0, figures.get("lost"));
    }

    @Test
    void shouldReadBackWhatTheReportWrote() {
        RunInfo info = new RunInfo("./sluice bench peers", false, "2026-11-21", "abc1234", List.of("CPU | x"),
            Map.of("latency", "warm-up 1 s"), List.of("a note"));
        List<Peer> peers = List.of(new Peer("sluice-block", "Sluice", "sluice", false, "v"),
            new Peer("iceoryx-block", "iceoryx", "iceoryx", false, "2.0.3"),
            new Peer("odd", "a peer whose key no table names", "other", false, "1", true));
        assertTrue(peers.getFirst().lossy(), "Sluice's plain fan-out is lossy by its key");
        assertFalse(peers.get(1).lossy());
        List<Measurement> rows = List.of(
            new Measurement(Measurement.LATENCY, "sluice-block", 64, false, 1, 0, Measurement.OK, "",
                Map.of("p50_ns", 20_000.0, "p99_ns", 40_000.0)),
            new Measurement(Measurement.THROUGHPUT, "iceoryx-block", 1024, true, 1, 0, Measurement.UNSUPPORTED,
                "too large \"quoted\"", Map.of()));
        PeersJson.Run run = PeersJson.read(new PeersReport(info, peers, rows).json());
        assertEquals(info, run.info());
        assertEquals(peers, run.peers());
        assertEquals(rows, run.rows());
        // a run written before peers said whether they are lossy: as their keys say
        String old = new PeersReport(info, peers, rows).json().replaceAll(",\\s*\"lossy\":\\s*(true|false)", "");
        assertFalse(old.contains("\"lossy\""), old);
        assertEquals(List.of(true, false, false), PeersJson.read(old).peers().stream().map(Peer::lossy).toList());
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
            () -> PeersJson.read("{\"info\": 3}"));
        assertEquals("not a peers.json: info is not an object", error.getMessage());
    }

    private static PeersCommand.Options options(String... args) {
        PeersCommand.Cli cli = new PeersCommand.Cli(System.out, System.err);
        new CommandLine(cli).parseArgs(args);
        return cli.options();
    }

    @Test
    void shouldExitWith2OnABadOptionSayingSoInOneLine() {
        for (String[] bad : new String[][] {{"--fast"}, {"--only"}, {"--quick", "--update-docs"}}) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            String[] args = new String[bad.length + 2];
            args[0] = "bench";
            args[1] = "peers";
            System.arraycopy(bad, 0, args, 2, bad.length);
            int status = Main.run(args, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
            String message = err.toString(StandardCharsets.UTF_8);
            assertEquals(2, status, message);
            assertTrue(message.startsWith("sluice bench peers: ") && message.endsWith("(sluice bench peers --help)\n")
                && message.strip().lines().count() == 1, message);
        }
        assertEquals(Set.of("sluice", "iceoryx"), options("--only", "sluice, iceoryx,").only());
        assertFalse(options("--no-install").install());
    }

    /** A Java launcher's AOT options go right after {@code java}, the receiver's to receivers, the sender's to senders. */
    @Test
    void shouldGiveEachSideOfAJavaPeerItsOwnJvmOptions() {
        Peer peer = new Peer("sluice-block", "Sluice (futex wait)", "sluice", false, "test");
        PeerLauncher plain = PeerLauncher.java(peer, "sluice", java.util.List.of());
        assertTrue(plain.java());
        PeerLauncher cached = plain.withRoleOptions(java.util.List.of("-XX:AOTCache=r.aot"),
            java.util.List.of("-XX:AOTCache=s.aot"));
        for (String role : new String[] {HarnessArgs.SINK, HarnessArgs.PONG}) {
            java.util.List<String> command = cached.command(role, java.util.List.of("size=1"));
            assertEquals("-XX:AOTCache=r.aot", command.get(1), role);
            assertFalse(command.contains("-XX:AOTCache=s.aot"), role);
            assertEquals(plain.command(role, java.util.List.of("size=1")).size() + 1, command.size(), role);
        }
        for (String role : new String[] {HarnessArgs.SOURCE, HarnessArgs.PING}) {
            java.util.List<String> command = cached.command(role, java.util.List.of("size=1"));
            assertEquals("-XX:AOTCache=s.aot", command.get(1), role);
            assertFalse(command.contains("-XX:AOTCache=r.aot"), role);
        }
        assertFalse(new PeerLauncher(peer, java.util.List.of("target/iox-harness"), "iceoryx", false).java(),
            "a C harness takes no JVM options");
    }
}
