package io.sluice.bench.peers;

import io.sluice.cli.json.Json;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PeersReportTest {
    private final PeersReport report = new PeersReport(PeersSample.info(false), PeersSample.PEERS,
        PeersSample.rows());

    @Test
    void shouldCompareSpinningPeersWithSpinningSluiceAndBlockingWithBlocking() {
        String markdown = report.markdown();

        // iceoryx spin 200 ns against Sluice spin 160 ns; iceoryx waitset 30 µs against Sluice futex 27 µs
        assertTrue(markdown.contains("| 64 B | no | iceoryx (spin) | 200 ns | 800 ns | 4.00 ms | spin | 160 ns | 0.80× |"),
            markdown);
        assertTrue(markdown.contains("| 64 B | no | iceoryx (waitset) | 30.0 µs | 120 µs | 4.00 ms | block | 27.0 µs"
            + " | 0.90× |"), markdown);
        // Aeron's offer spins (Sluice spin 6.50 M), its backoff variant is not in the sample; 0MQ blocks (5.00 M)
        assertTrue(markdown.contains("| 64 B | no | Aeron IPC (offer) | 9.34 M | 0.598 | 0 | — | spin | 6.50 M | 0.70× |"),
            markdown);
        assertTrue(markdown.contains("| 64 B | no | pyzmq (ipc) | 295 k | 0.0189 | 0 | — | block | 5.00 M | 17× |"),
            markdown);
    }

    @Test
    void shouldCompareReliableFanOutPeersWithReliableSluiceAndLossyWithLossy() {
        String markdown = report.markdown();

        // iceoryx blocks its producer: against Sluice (reliable), 99.0% delivered at 32, p99 655 µs vs 262 µs
        assertTrue(markdown.contains("| 32 | iceoryx (waitset) | 100.0% | 87.3 µs | 262 µs | 1.8% | reliable | 99.0% |"
            + " 161 µs | 655 µs | 2.5% | 1.8× | 2.5× | 1.4× |"), markdown);
        // pyzmq drops at its high-water mark: against the lossy Sluice (futex) row
        assertTrue(markdown.contains("| 32 | pyzmq (ipc) | 71.3% | 96.0 ms | 288 ms | 56.0% | block | 100.0% |"),
            markdown);
        // only the peers that ran fan-out or the camera (not JeroMQ, Aeron or Python shared_memory)
        assertTrue(markdown.contains("**Reliable**: a subscriber that falls behind holds the publisher back, so every"
            + " subscriber gets every message (iceoryx (waitset), Cyclone DDS (iceoryx shm)); compared with **Sluice"
            + " (reliable)**"), markdown);
        assertTrue(markdown.contains("**Lossy**: a subscriber that falls behind loses messages, counted, and the "
            + "publisher keeps its schedule (pyzmq (ipc)); compared with **Sluice (futex)**"), markdown);
        // the camera: Sluice's p50 and its ratio, iceoryx against the reliable row
        assertTrue(markdown.contains("| iceoryx (waitset) | 15.0 | 100.0% | 46.7 µs | 140 µs | 1.3% | reliable | 15.0"
            + " | 100.0% | 50.0 µs | 150 µs | 1.0× | 1.1× | 1.1× | 0.92× |"), markdown);
    }

    @Test
    void shouldExplainTheDeliveryModelsInTheCameraSectionWhenThereIsNoFanOut() {
        List<Measurement> rows = new ArrayList<>(PeersSample.rows());
        rows.removeIf(row -> row.workload().equals(Measurement.FANOUT));
        rows.removeIf(row -> row.peer().equals(PeerSetup.RELIABLE_SLUICE));
        String markdown = new PeersReport(PeersSample.info(true), PeersSample.PEERS, rows).markdown();

        String camera = markdown.substring(markdown.indexOf("### Robot camera"));
        assertTrue(camera.contains("compared with Sluice's reliable row, which did not run."), camera);
        assertTrue(camera.contains("| iceoryx (waitset) | 15.0 | 100.0% | 46.7 µs | 140 µs | 1.3% | reliable | — |"), camera);
    }

    @Test
    void shouldJudgeTheManySubscriberGoals() {
        Map<String, PeersGoals.Goal> goals = goalsByKey(report);

        PeersGoals.Goal delivered = goals.get(PeersGoals.RELIABLE_FANOUT);
        assertEquals(PeersGoals.NOT_MET, delivered.verdict());
        assertEquals("8 MiB at 30 Hz to 32 subscribers: 99.00% delivered, 29.70 Hz per subscriber, 0 late, worst hand-over"
            + " 2.00 ms after its slot", delivered.detail());
        assertTrue(delivered.figures().contains("68.6 MB at 15 Hz to 3 subscribers: 100.0% delivered, 15.00 Hz per"
            + " subscriber, 0 late"), delivered.figures());

        PeersGoals.Goal p50 = goals.get("fanout-p50-vs-iceoryx");
        assertEquals(PeersGoals.NOT_MET, p50.verdict());
        assertEquals("1.57× vs iceoryx (waitset) at 8 MiB at 30 Hz to 4 subscribers; 1.76× vs iceoryx (waitset) at 8"
            + " MiB at 30 Hz to 16 subscribers; 1.85× vs iceoryx (waitset) at 8 MiB at 30 Hz to 32 subscribers",
            p50.detail());
        assertTrue(p50.figures().contains("(Sluice reliable 37.3 µs vs 25.3 µs)"), p50.figures());
        PeersGoals.Goal p99 = goals.get("fanout-p99-vs-iceoryx");
        assertEquals(PeersGoals.MET, p99.verdict(), p99.figures());
        assertTrue(p99.figures().contains("2.50× (Sluice reliable 190 µs vs 76.0 µs)"), p99.figures());
        assertEquals(PeersGoals.MET, goals.get("fanout-cpu-vs-iceoryx").verdict());
        assertEquals(PeersGoals.MET, goals.get("camera-p50-vs-iceoryx").verdict());
        assertEquals(PeersGoals.MET, goals.get("camera-p99-vs-iceoryx").verdict());

        // touched, 1 MiB to 44 MiB only: iceoryx's spinning reader is faster at 1 MiB touched, by 1.25x, which the
        // verdict must not round to the bound of 1.2x
        PeersGoals.Goal touched = goals.get("touched-latency-vs-iceoryx");
        assertEquals(PeersGoals.NOT_MET, touched.verdict());
        assertEquals("1.25× vs iceoryx (spin) at 1 MiB touched", touched.detail());
        assertTrue(touched.figures().contains("iceoryx (spin), 1 MiB touched: 1.25× (Sluice spin 42.1 µs vs 33.7 µs);"
            + " iceoryx (waitset), 8 MiB touched"), touched.figures());
        assertFalse(touched.figures().contains("64 B"), touched.figures());
        assertEquals(PeersGoals.MET, goals.get("touched-throughput-vs-iceoryx").verdict());
    }

    @Test
    void shouldFailTheReliableFanOutGoalOnEveryBrokenPromise() {
        assertEquals(PeersGoals.MET, reliableGoal(row -> row).verdict());
        assertEquals(PeersGoals.NOT_MET, reliableGoal(row -> with(row, "late", 1)).verdict(), "a late message");
        assertEquals(PeersGoals.NOT_MET, reliableGoal(row -> with(row, "fps", 29.0)).verdict(), "below 0.99 x 30 Hz");
        assertEquals(PeersGoals.NOT_MET, reliableGoal(row -> with(row, "max_lag_ns", 17e6)).verdict(),
            "handed over more than half a period (16.7 ms) after its slot");
        assertEquals(PeersGoals.NOT_MET, reliableGoal(row -> with(row, "delivered_pct", 99.99)).verdict());
        PeersGoals.Goal failed = reliableGoal(row -> new Measurement(row.workload(), row.peer(), row.size(),
            row.touch(), row.subs(), row.rate(), Measurement.FAILED, "PublishTimeoutException", Map.of()));
        assertEquals(PeersGoals.NOT_MET, failed.verdict(), "a row that failed");
        assertEquals("8 MiB at 30 Hz to 4 subscribers failed (PublishTimeoutException)", failed.detail());
        PeersGoals.Goal skipped = reliableGoal(row -> new Measurement(row.workload(), row.peer(), row.size(),
            row.touch(), row.subs(), row.rate(), Measurement.SKIPPED, "not wanted", Map.of()));
        assertEquals(PeersGoals.NOT_MEASURED, skipped.verdict());
        assertTrue(skipped.detail().startsWith("met where measured; not measured: 8 MiB at 30 Hz to 4 subscribers"),
            skipped.detail());

        List<Measurement> none = new ArrayList<>(PeersSample.rows());
        none.removeIf(row -> row.peer().equals(PeerSetup.RELIABLE_SLUICE));
        assertEquals(PeersGoals.NOT_MEASURED, goalsByKey(new PeersReport(PeersSample.info(false), PeersSample.PEERS,
            none)).get(PeersGoals.RELIABLE_FANOUT).verdict());
    }

    /** The reliable fan-out goal with every reliable row good but the one to 4 subscribers changed by {@code edit}. */
    private static PeersGoals.Goal reliableGoal(java.util.function.UnaryOperator<Measurement> edit) {
        List<Measurement> rows = new ArrayList<>();
        for (Measurement row : PeersSample.rows()) {
            if (row.peer().equals(PeerSetup.RELIABLE_SLUICE)) {
                row = with(with(row, "delivered_pct", 100), "fps", row.rate());
                if (row.subs() == 4) {
                    row = edit.apply(row);
                }
            }
            rows.add(row);
        }
        return goalsByKey(new PeersReport(PeersSample.info(false), PeersSample.PEERS, rows))
            .get(PeersGoals.RELIABLE_FANOUT);
    }

    private static Measurement with(Measurement row, String figure, double value) {
        Map<String, Double> figures = new LinkedHashMap<>(row.figures());
        figures.put(figure, value);
        return new Measurement(row.workload(), row.peer(), row.size(), row.touch(), row.subs(), row.rate(),
            row.status(), row.reason(), figures);
    }

    @Test
    void shouldShowSluiceRowsWithoutARatioAgainstThemselves() {
        assertTrue(report.markdown().contains("| 64 B | no | **Sluice (spin)** | 160 ns | 640 ns | 4.00 ms | — | — | — |"));
    }

    @Test
    void shouldPairByWaitEvenWhenTheSluiceCounterpartIsMissing() {
        List<Measurement> rows = new ArrayList<>(PeersSample.rows());
        rows.removeIf(row -> row.peer().equals("sluice-spin") && row.workload().equals(Measurement.LATENCY)
            && row.size() == 64 && !row.touch());
        String markdown = new PeersReport(PeersSample.info(false), PeersSample.PEERS, rows).markdown();

        assertTrue(markdown.contains("| 64 B | no | iceoryx (spin) | 200 ns | 800 ns | 4.00 ms | spin | — | — |"),
            markdown);
    }

    @Test
    void shouldJudgeTheGoalsAndListTheRowsThatFail() {
        Map<String, PeersGoals.Goal> goals = goalsByKey(report);

        PeersGoals.Goal latency = goals.get("latency-vs-iceoryx");
        assertEquals(PeersGoals.NOT_MET, latency.verdict());
        assertEquals("1.25× vs iceoryx (spin) at 1 MiB touched", latency.detail());
        assertTrue(latency.figures().startsWith("19 of 20 rows meet it"), latency.figures());

        PeersGoals.Goal zmq = goals.get("throughput-vs-zmq-44mib");
        assertEquals(PeersGoals.NOT_MET, zmq.verdict());
        assertEquals("17.7× vs pyzmq (ipc) at 44 MiB touched", zmq.detail());
        assertTrue(zmq.figures().contains("JeroMQ (ipc), 44 MiB touched: 51.0× (Sluice block 433 msg/s vs 8.50 msg/s)"),
            zmq.figures());

        PeersGoals.Goal aeron8 = goals.get("throughput-vs-aeron-8mib");
        assertEquals(PeersGoals.MET, aeron8.verdict());
        assertEquals("2 rows not compared", aeron8.detail());
        assertTrue(aeron8.figures().contains("Aeron IPC (tryClaim) at 8 MiB touched unsupported (tryClaim is limited"),
            aeron8.figures());
        assertFalse(aeron8.figures().contains("backoff"), "the blocking Aeron variant is not part of the goal");

        assertEquals(PeersGoals.MET, goals.get("rate-vs-aeron-64b").verdict());
        assertTrue(report.markdown().contains("| At least 20× the frames/s of 0MQ at 44 MiB | **not met**: 17.7× vs pyzmq"
            + " (ipc) at 44 MiB touched |"));
    }

    @Test
    void shouldSayNotMeasuredWhenNoPeerRowCanBeCompared() {
        List<Measurement> rows = PeersSample.rows().stream()
            .filter(row -> !row.peer().startsWith("aeron"))
            .map(row -> row.peer().equals("zmq-py") || row.peer().equals("jeromq") ? failed(row) : row)
            .toList();
        Map<String, PeersGoals.Goal> goals = goalsByKey(new PeersReport(PeersSample.info(false), PeersSample.PEERS,
            rows));

        assertEquals(PeersGoals.NOT_MEASURED, goals.get("throughput-vs-aeron-8mib").verdict());
        assertEquals(PeersGoals.NOT_MEASURED, goals.get("rate-vs-aeron-64b").verdict());
        PeersGoals.Goal zmq = goals.get("throughput-vs-zmq-44mib");
        assertEquals(PeersGoals.NOT_MEASURED, zmq.verdict());
        assertTrue(zmq.detail().contains("pyzmq (ipc) at 44 MiB untouched failed (harness crashed)"), zmq.detail());
    }

    @Test
    void shouldMeetTheLatencyGoalWhenIceoryxIsNeverFaster() {
        List<Measurement> rows = PeersSample.rows().stream()
            .filter(row -> !(row.peer().equals("iceoryx-spin") && row.size() == PeersSample.MIB && row.touch()))
            .toList();
        PeersGoals.Goal latency = goalsByKey(new PeersReport(PeersSample.info(false), PeersSample.PEERS, rows))
            .get("latency-vs-iceoryx");

        assertEquals(PeersGoals.MET, latency.verdict());
        assertTrue(latency.figures().startsWith("19 of 19 rows meet it"), latency.figures());
    }

    @Test
    void shouldListEveryRowWithoutFiguresWithItsReason() {
        String markdown = report.markdown();
        String notMeasured = markdown.substring(markdown.indexOf("### Not measured"));

        assertTrue(notMeasured.contains("| Aeron IPC (tryClaim) | throughput | 8 MiB touched | unsupported | tryClaim is"
            + " limited to maxPayloadLength (8 KiB here) |"), notMeasured);
        assertTrue(notMeasured.contains("| Aeron IPC (offer) | camera | 68.6 MB at 15 Hz to 3 subscribers |"
            + " unsupported | message larger than the term length (64 MiB max) |"), notMeasured);
        assertTrue(notMeasured.contains("| Python shared_memory | latency | 64 B untouched | skipped | python3 not"
            + " installed |"), notMeasured);
        // a pipe and a line break in a reason must not break the table
        assertTrue(notMeasured.contains("| failed | ping: \"out of memory\" \\| java.lang.OutOfMemoryError at Heap |"),
            notMeasured);
        long expected = PeersSample.rows().stream().filter(row -> !row.ok()).count();
        assertEquals(expected + 2, notMeasured.lines().filter(line -> line.startsWith("|")).count());
    }

    @Test
    void shouldPrintTheRunTheMachineAndTheVersions() {
        String markdown = report.markdown();

        assertTrue(markdown.startsWith("## Peers\n"));
        assertTrue(markdown.contains("Generated by `./sluice bench peers` (full run), 22 November 2026, commit `abc1234`"));
        assertTrue(markdown.contains("| CPU | AMD EPYC (Zen 5), 2 vCPUs |"));
        assertTrue(markdown.contains("| aeron | 1.46.7 | Aeron IPC (offer), Aeron IPC (tryClaim), Aeron IPC (offer,"
            + " backoff) |"));
        assertTrue(markdown.contains("| fan-out | 8 MiB at 30 Hz, 1, 4 and 16 subscribers, 10 s |"));
        assertTrue(markdown.contains("- The vCPUs moved once"));
        assertTrue(markdown.contains("![One-way latency p50 against message size, untouched](img/peers-latency.svg)"));
        assertFalse(markdown.contains("smoke test"));
        String quick = new PeersReport(PeersSample.info(true), PeersSample.PEERS, PeersSample.rows()).markdown();
        assertTrue(quick.contains("**Quick run: these figures are a smoke test"), quick);
    }

    @Test
    void shouldPutTheHandOffBesideSluicesSmallestLatency() {
        String markdown = report.markdown();

        assertTrue(markdown.contains("| cache-line hand-off between two cores | 35 ns | 61 ns | 1.0× |"), markdown);
        assertTrue(markdown.contains("| Sluice (spin), 64 B untouched, one-way | 160 ns | 640 ns | 4.6× |"), markdown);
        assertTrue(markdown.contains("| 44 MiB | 21.0 | 2.20 ms | 1.85 ms |"), markdown);
    }

    @Test
    void shouldDrawOneLinePerPeerWithDataInWellFormedSvg() throws Exception {
        Map<String, String> svgs = report.svgs();

        assertEquals(Set.of(PeersPlots.LATENCY, PeersPlots.LATENCY_TOUCH, PeersPlots.THROUGHPUT, PeersPlots.FANOUT,
            PeersPlots.CAMERA), svgs.keySet());
        for (String svg : svgs.values()) {
            Document document = parse(svg);
            assertEquals("svg", document.getDocumentElement().getTagName());
        }
        // latency untouched: both Sluice variants, both iceoryx variants, pyzmq, JeroMQ
        assertEquals(6, polylines(svgs.get(PeersPlots.LATENCY)));
        // throughput: both Sluice, iceoryx waitset, pyzmq, JeroMQ, Aeron offer and tryClaim
        assertEquals(7, polylines(svgs.get(PeersPlots.THROUGHPUT)));
        assertEquals(5, polylines(svgs.get(PeersPlots.FANOUT)));
        NodeList rects = parse(svgs.get(PeersPlots.CAMERA)).getElementsByTagName("rect");
        int bars = 0;
        for (int index = 0; index < rects.getLength(); index++) {
            bars += "bar".equals(((Element) rects.item(index)).getAttribute("class")) ? 1 : 0;
        }
        assertEquals(4, bars, "a bar per peer with figures");
        assertTrue(svgs.get(PeersPlots.CAMERA).contains("stroke-dasharray"));
    }

    @Test
    void shouldLeaveOutAPlotWithoutData() {
        List<Measurement> rows = PeersSample.rows().stream()
            .filter(row -> !row.workload().equals(Measurement.CAMERA) && !row.workload().equals(Measurement.FANOUT))
            .toList();
        PeersReport withoutCamera = new PeersReport(PeersSample.info(false), PeersSample.PEERS, rows);

        assertFalse(withoutCamera.svgs().containsKey(PeersPlots.CAMERA));
        assertFalse(withoutCamera.svgs().containsKey(PeersPlots.FANOUT));
        assertFalse(withoutCamera.markdown().contains("peers-camera.svg"));
    }

    @Test
    void shouldEscapeTextInSvg() throws Exception {
        List<Peer> peers = List.of(new Peer("sluice-block", "Sluice <futex> & \"co\"", "sluice", false, "1"),
            new Peer("odd", "a'b<c>", "other", false, "2"));
        List<Measurement> rows = List.of(latencyRow("sluice-block", 64, 100), latencyRow("odd", 64, 200),
            latencyRow("odd", 1024, 300));
        String svg = new PeersReport(PeersSample.info(false), peers, rows).svgs().get(PeersPlots.LATENCY);

        Document document = parse(svg);
        assertEquals(2, document.getElementsByTagName("polyline").getLength());
        assertTrue(document.getDocumentElement().getTextContent().contains("a'b<c>"));
    }

    @Test
    void shouldParseBackItsJson() {
        Map<String, Object> json = Json.parseObject(report.json());

        assertEquals("./sluice bench peers", ((Map<?, ?>) json.get("info")).get("command"));
        assertEquals(PeersSample.PEERS.size(), ((List<?>) json.get("peers")).size());
        List<?> rows = (List<?>) json.get("rows");
        assertEquals(PeersSample.rows().size(), rows.size());
        assertEquals(12, ((List<?>) json.get("goals")).size());
        boolean reasonRoundTrips = rows.stream().map(row -> (Map<?, ?>) row)
            .anyMatch(row -> "ping: \"out of memory\" | java.lang.OutOfMemoryError\nat Heap".equals(row.get("reason")));
        assertTrue(reasonRoundTrips);
    }

    @Test
    void shouldReplaceThePeersSectionOnceAndThenBetweenItsMarkers() {
        String document = "# Performance\n\nIntro.\n\n## Peers\n\nNot yet available.\n\n```\n## not a heading\n```\n\n"
            + "## Executors\n\nText.\n";
        String once = report.updatePerformance(document);
        String twice = report.updatePerformance(once);

        assertEquals(once, twice);
        assertFalse(once.contains("Not yet available."));
        assertTrue(once.startsWith("# Performance\n\nIntro.\n\n" + PeersReport.PERFORMANCE_BEGIN + "\n## Peers\n"));
        assertTrue(once.endsWith(PeersReport.PERFORMANCE_END + "\n\n## Executors\n\nText.\n"), once);
        assertEquals(1, once.split("## Peers\n", -1).length - 1);
    }

    @Test
    void shouldReplaceOnlyWhatTheMarkersHold() {
        String document = "# A\n\n" + PeersReport.PERFORMANCE_BEGIN + "\nold\n" + PeersReport.PERFORMANCE_END
            + "\n\nafter\n";

        assertEquals("# A\n\n" + PeersReport.PERFORMANCE_BEGIN + "\n## Peers\n\nnew\n" + PeersReport.PERFORMANCE_END
                + "\n\nafter\n",
            MarkedSection.replace(document, PeersReport.PERFORMANCE_BEGIN, PeersReport.PERFORMANCE_END,
                "## Peers\n\nnew\n"));
    }

    @Test
    void shouldAppendTheSectionWhenThereIsNoPeersHeading() {
        String once = MarkedSection.replace("# A\n\ntext\n", "<!-- b -->", "<!-- e -->", "## Peers\n\nx\n");

        assertEquals("# A\n\ntext\n\n<!-- b -->\n## Peers\n\nx\n<!-- e -->\n", once);
        assertEquals(once, MarkedSection.replace(once, "<!-- b -->", "<!-- e -->", "## Peers\n\nx\n"));
    }

    @Test
    void shouldInsertTheReadmeSummaryBeforeItsAnchorOnce() {
        String readme = "# Sluice\n\n## Benchmarks\n\nSee docs.\n\n## Building\n\n./sluice build\n";
        String once = report.updateReadme(readme);
        String twice = report.updateReadme(once);

        assertEquals(once, twice);
        int summary = once.indexOf(PeersReport.README_BEGIN);
        assertTrue(summary > once.indexOf("See docs.") && summary < once.indexOf("## Building"), once);
        assertTrue(once.contains("[docs/PERFORMANCE.md](docs/PERFORMANCE.md#peers)"));
        assertTrue(once.contains("| At least half of Aeron IPC's message rate at 64 B | **met** |"), once);

        String appended = MarkedSection.insert("# Other\n", "<!-- b -->", "<!-- e -->", "x", "## Building");
        assertEquals("# Other\n\n<!-- b -->\nx\n<!-- e -->\n", appended);
        assertEquals(appended, MarkedSection.insert(appended, "<!-- b -->", "<!-- e -->", "x", "## Building"));
    }

    @Test
    void shouldFormatSizesDurationsRatesAndRatios() {
        assertEquals("64 B", PeersFormat.size(64));
        assertEquals("1 KiB", PeersFormat.size(1024));
        assertEquals("44 MiB", PeersFormat.size(46_137_344));
        assertEquals("68.6 MB", PeersFormat.size(68_567_040));
        assertEquals("850 ns", PeersFormat.duration(850));
        assertEquals("12.3 µs", PeersFormat.duration(12_345));
        assertEquals("4.20 µs", PeersFormat.duration(4_200));
        assertEquals("1.00 ms", PeersFormat.duration(999_999));
        assertEquals("4.36 ms", PeersFormat.duration(4_360_000));
        assertEquals("0.52×", PeersFormat.ratio(0.5234));
        assertEquals("1.0×", PeersFormat.ratio(1));
        assertEquals("23×", PeersFormat.ratio(23.4));
        assertEquals("1,200×", PeersFormat.ratio(1234));
        assertEquals("—", PeersFormat.ratio(Double.NaN));
        assertEquals("6.57 M", PeersFormat.rate(6_569_697));
        assertEquals("25.1 k", PeersFormat.rate(25_066));
        assertEquals("396", PeersFormat.rate(396));
        assertEquals("30 Hz", PeersFormat.hertz(30));
        assertEquals("1 µs", SvgChart.trimZeros("1.00 µs"));
        assertEquals("1.50 µs", SvgChart.trimZeros("1.50 µs"));
    }

    private static Map<String, PeersGoals.Goal> goalsByKey(PeersReport report) {
        Map<String, PeersGoals.Goal> goals = new LinkedHashMap<>();
        report.goals().forEach(goal -> goals.put(goal.key(), goal));
        assertEquals(12, goals.size());
        return goals;
    }

    private static Measurement failed(Measurement row) {
        return new Measurement(row.workload(), row.peer(), row.size(), row.touch(), row.subs(), row.rate(),
            Measurement.FAILED, "harness crashed", Map.of());
    }

    private static Measurement latencyRow(String peer, long size, double p50) {
        return new Measurement(Measurement.LATENCY, peer, size, false, 1, 0, Measurement.OK, "",
            Map.of("p50_ns", p50, "p99_ns", p50 * 2, "max_ns", p50 * 10));
    }

    private static Document parse(String svg) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    private static int polylines(String svg) throws Exception {
        NodeList lines = parse(svg).getElementsByTagName("polyline");
        Set<String> colours = new HashSet<>();
        for (int index = 0; index < lines.getLength(); index++) {
            colours.add(((Element) lines.item(index)).getAttribute("stroke") + " "
                + ((Element) lines.item(index)).getAttribute("stroke-dasharray"));
        }
        assertEquals(lines.getLength(), colours.size(), "each peer's line is drawn differently");
        return lines.getLength();
    }
}
