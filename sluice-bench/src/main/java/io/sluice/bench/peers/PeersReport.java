package io.sluice.bench.peers;

import io.sluice.cli.json.Json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.DoubleFunction;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The report of {@code ./sluice bench peers}: the {@code ## Peers} section of {@code docs/PERFORMANCE.md} (what ran,
 * the machine, versions and settings, the goals, a long-format table per workload with Sluice's figure and the
 * ratio Sluice / peer on every row, and the rows that have no figures), a short summary for {@code README.md},
 * the plots for {@code docs/img/}, and everything as one JSON object.
 *
 * {@snippet :
 * PeersReport report = new PeersReport(info, peers, rows);
 * String performance = report.updatePerformance(Files.readString(performanceMd));
 * String readme = report.updateReadme(Files.readString(readmeMd));
 * report.svgs().forEach((name, svg) -> Files.writeString(imageDirectory.resolve(name), svg));
 * }
 *
 * <p>Pairing: a peer is compared with the Sluice peer (family {@value PeerRows#SLUICE_FAMILY}) that waits the same
 * way ({@link Peer#spin()}), on the same workload point; in fan-out and the camera a blocking peer with the Sluice
 * row of the same delivery model ({@link Peer#lossy()}), see {@link PeerRows}. The goals are judged as
 * {@link PeersGoals} describes.
 */
public final class PeersReport {
    /** The first line of the generated section in {@code docs/PERFORMANCE.md}. */
    public static final String PERFORMANCE_BEGIN = "<!-- sluice bench peers: begin (generated, do not edit by hand) -->";
    /** The last line of the generated section in {@code docs/PERFORMANCE.md}. */
    public static final String PERFORMANCE_END = "<!-- sluice bench peers: end -->";
    /** The first line of the generated summary in {@code README.md}. */
    public static final String README_BEGIN =
        "<!-- sluice bench peers summary: begin (generated, do not edit by hand) -->";
    /** The last line of the generated summary in {@code README.md}. */
    public static final String README_END = "<!-- sluice bench peers summary: end -->";
    /** Without markers, the README summary goes just before this heading (the end of the Benchmarks section). */
    public static final String README_BEFORE = "## Building";
    /** Where the plots are, relative to {@code docs/}. */
    public static final String IMAGE_DIRECTORY = "img";

    private final RunInfo info;
    private final PeerRows rows;
    private final List<PeersGoals.Goal> goals;
    private final Map<String, String> svgs;

    public PeersReport(RunInfo info, List<Peer> peers, List<Measurement> rows) {
        this.info = info;
        this.rows = new PeerRows(peers, rows);
        this.goals = PeersGoals.evaluate(this.rows);
        this.svgs = new PeersPlots(this.rows).render();
    }

    /** The whole generated section, from its {@code ## Peers} heading, ending in a newline. */
    public String markdown() {
        StringBuilder text = new StringBuilder();
        header(text);
        goalsSection(text);
        runSection(text);
        latencySection(text);
        throughputSection(text);
        fanoutSection(text);
        cameraSection(text);
        limitsSection(text);
        notMeasuredSection(text);
        return text.toString().stripTrailing() + "\n";
    }

    /** A few lines for {@code README.md}: the goals with their verdicts and a link to the section. */
    public String readmeSummary() {
        StringBuilder text = new StringBuilder();
        text.append("**Against its peers** (`").append(info.command()).append("`, ").append(info.date())
            .append(", commit `").append(info.commit()).append("`")
            .append(info.quick() ? "; a quick run — a smoke test, not for comparison" : "").append("):\n\n");
        text.append(new MarkdownTable<PeersGoals.Goal>()
            .left("goal", PeersGoals.Goal::title)
            .left("verdict", PeersReport::verdictCell)
            .render(goals));
        long others = rows.peers().stream().filter(peer -> !peer.family().equals(PeerRows.SLUICE_FAMILY))
            .filter(peer -> rows.rows().stream().anyMatch(row -> row.peer().equals(peer.key()) && row.ok())).count();
        text.append("\nSluice was measured beside ").append(others)
            .append(" variants of other transports (those with figures) on the same machine and workloads, one run"
                + " per point; the tables, plots, machine and"
                + " settings are in [docs/PERFORMANCE.md](docs/PERFORMANCE.md#peers).\n");
        return text.toString();
    }

    /** The plots with data, by file name (e.g. {@code peers-latency.svg}), as SVG 1.1 text. */
    public Map<String, String> svgs() {
        return svgs;
    }

    /** Everything as one JSON object: {@code info}, {@code peers}, {@code rows}, {@code goals}. */
    public String json() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("info", infoJson());
        json.put("peers", rows.peers().stream().map(PeersReport::peerJson).toList());
        json.put("rows", rows.rows().stream().map(PeersReport::rowJson).toList());
        json.put("goals", goals.stream().map(PeersReport::goalJson).toList());
        return Json.pretty(json) + "\n";
    }

    /** {@code document} (the text of {@code docs/PERFORMANCE.md}) with this report as its {@code ## Peers} section. */
    public String updatePerformance(String document) {
        return MarkedSection.replace(document, PERFORMANCE_BEGIN, PERFORMANCE_END, markdown());
    }

    /** {@code document} (the text of {@code README.md}) with this report's summary, before {@link #README_BEFORE}. */
    public String updateReadme(String document) {
        return MarkedSection.insert(document, README_BEGIN, README_END, readmeSummary(), README_BEFORE);
    }

    /** The goals as judged, in order. */
    List<PeersGoals.Goal> goals() {
        return goals;
    }

    // ---- sections ----

    private void header(StringBuilder text) {
        text.append("## Peers\n\n");
        text.append("Sluice beside the transports a robot developer would otherwise pick, on the same workloads, "
            + "machine and run. Generated by `").append(info.command()).append("` (")
            .append(info.quick() ? "quick run" : "full run").append("), ").append(info.date())
            .append(", commit `").append(info.commit()).append("`; the harnesses follow ")
            .append("[sluice-bench/peers/PROTOCOL.md](../sluice-bench/peers/PROTOCOL.md).\n\n");
        if (info.quick()) {
            text.append("**Quick run: these figures are a smoke test of the harnesses (short windows), "
                + "not for comparison.**\n\n");
        }
        text.append("Every peer is compared with the Sluice variant that waits the same way: blocking peers with ")
            .append(sluiceLabel(false)).append(", busy-polling peers with ").append(sluiceLabel(true))
            .append("; in fan-out and the robot camera, with the Sluice row that delivers the same way (reliable or "
                + "lossy, see there). Each ratio is Sluice / peer on the same point: for latency below 1× means Sluice"
                + " is faster, for rates above 1× means Sluice moves more.\n\n");
    }

    private void goalsSection(StringBuilder text) {
        text.append("### Goals\n\n");
        text.append(new MarkdownTable<PeersGoals.Goal>()
            .left("goal", PeersGoals.Goal::title)
            .left("verdict", PeersReport::verdictCell)
            .left("figures (Sluice / peer)", PeersGoals.Goal::figures)
            .render(goals)).append('\n');
    }

    private void runSection(StringBuilder text) {
        text.append("### Machine, versions and settings\n\n");
        text.append(new MarkdownTable<String[]>()
            .left("", pair -> pair[0])
            .left("", pair -> pair[1])
            .render(info.machineLines().stream().map(PeersReport::splitMachineLine).toList())).append('\n');
        text.append(new MarkdownTable<Map.Entry<String, List<Peer>>>()
            .left("family", Map.Entry::getKey)
            .left("version", entry -> versions(entry.getValue()))
            .left("measured as", entry -> String.join(", ", entry.getValue().stream().map(Peer::label).toList()))
            .render(List.copyOf(families().entrySet()))).append('\n');
        if (!info.settings().isEmpty()) {
            text.append(new MarkdownTable<Map.Entry<String, String>>()
                .left("setting", Map.Entry::getKey)
                .left("value", Map.Entry::getValue)
                .render(List.copyOf(info.settings().entrySet()))).append('\n');
        }
        info.notes().forEach(note -> text.append("- ").append(note).append('\n'));
        if (!info.notes().isEmpty()) {
            text.append('\n');
        }
    }

    private void latencySection(StringBuilder text) {
        List<PeerRows.Compared> latency = rows.measured(Measurement.LATENCY);
        if (latency.isEmpty()) {
            return;
        }
        text.append("### Latency\n\n");
        text.append("One-way latency: half of each ping-pong round trip, one message in flight. Sluice / peer p50: "
            + "lower is better.\n\n");
        text.append(new MarkdownTable<PeerRows.Compared>()
            .right("size", row -> PeersFormat.size(row.row().size()))
            .left("touch", PeersReport::touchCell)
            .left("peer", PeersReport::peerCell)
            .right("p50", theirs("p50_ns", PeersFormat::duration))
            .right("p99", theirs("p99_ns", PeersFormat::duration))
            .right("max", theirs("max_ns", PeersFormat::duration))
            .left("vs Sluice", PeersReport::variantCell)
            .right("Sluice p50", ours("p50_ns", PeersFormat::duration))
            .right("Sluice / peer p50", ratio("p50_ns"))
            .render(latency)).append('\n');
        image(text, PeersPlots.LATENCY, "One-way latency p50 against message size, untouched");
        image(text, PeersPlots.LATENCY_TOUCH, "One-way latency p50 against message size, touched");
    }

    private void throughputSection(StringBuilder text) {
        List<PeerRows.Compared> throughput = rows.measured(Measurement.THROUGHPUT);
        if (throughput.isEmpty()) {
            return;
        }
        text.append("### Throughput\n\n");
        text.append("One publisher to one subscriber, as fast as the transport lets it (reliable where it can be). "
            + "GB/s is 10^9 bytes/s; untouched, a zero-copy transport moves only the header, so its GB/s counts "
            + "bytes made available, not bytes moved. Torn: messages the receiver found half overwritten (hand-made "
            + "shared memory has no protocol against it; they are counted in msg/s). Sluice / peer msg/s: higher is "
            + "better.\n\n");
        text.append(new MarkdownTable<PeerRows.Compared>()
            .right("size", row -> PeersFormat.size(row.row().size()))
            .left("touch", PeersReport::touchCell)
            .left("peer", PeersReport::peerCell)
            .right("msg/s", theirs("msgs_per_s", PeersFormat::rate))
            .right("GB/s", theirs("gb_per_s", PeersFormat::plain))
            .right("lost", theirs("lost", PeersFormat::count))
            .right("torn", theirs("torn", PeersFormat::count))
            .left("vs Sluice", PeersReport::variantCell)
            .right("Sluice msg/s", ours("msgs_per_s", PeersFormat::rate))
            .right("Sluice / peer msg/s", ratio("msgs_per_s"))
            .render(throughput)).append('\n');
        image(text, PeersPlots.THROUGHPUT, "Messages per second against message size, untouched");
    }

    private void fanoutSection(StringBuilder text) {
        List<PeerRows.Compared> fanout = rows.measured(Measurement.FANOUT);
        if (fanout.isEmpty()) {
            return;
        }
        Measurement first = fanout.getFirst().row();
        text.append("### Fan-out: ").append(PeersFormat.size(first.size())).append(" at ")
            .append(PeersFormat.hertz(first.rate())).append("\n\n");
        text.append("One publisher on a fixed schedule to every subscriber process (").append(
            PeerRows.touchWord(first.touch())).append("). Latency is publish to read, per message; CPU is per "
            + "subscriber process, % of one core; p50 is the median subscriber's, p99 the worst subscriber's. Sluice /"
            + " peer latency and CPU: lower is better.\n\n");
        text.append(deliveryModels()).append("\n\n");
        text.append(new MarkdownTable<PeerRows.Compared>()
            .right("subs", row -> Integer.toString(row.row().subs()))
            .left("peer", PeersReport::peerCell)
            .right("delivered", theirs("delivered_pct", PeersFormat::percent))
            .right("p50", theirs("p50_ns", PeersFormat::duration))
            .right("p99", theirs("p99_ns", PeersFormat::duration))
            .right("CPU / sub", theirs("cpu_pct_per_sub", PeersFormat::percent))
            .left("vs Sluice", PeersReport::variantCell)
            .right("Sluice delivered", ours("delivered_pct", PeersFormat::percent))
            .right("Sluice p50", ours("p50_ns", PeersFormat::duration))
            .right("Sluice p99", ours("p99_ns", PeersFormat::duration))
            .right("Sluice CPU / sub", ours("cpu_pct_per_sub", PeersFormat::percent))
            .right("Sluice / peer p50", ratio("p50_ns"))
            .right("Sluice / peer p99", ratio("p99_ns"))
            .right("Sluice / peer CPU", ratio("cpu_pct_per_sub"))
            .render(fanout)).append('\n');
        image(text, PeersPlots.FANOUT, "p99 latency against the number of subscribers");
    }

    /**
     * Which peers that ran fan-out or the camera deliver every message (a slow subscriber holds the publisher back)
     * and which let a subscriber that falls behind lose messages, and the Sluice row each is compared with.
     */
    private String deliveryModels() {
        Set<String> measured = new LinkedHashSet<>();
        for (String workload : List.of(Measurement.FANOUT, Measurement.CAMERA)) {
            rows.measured(workload).forEach(row -> measured.add(row.peer().key()));
        }
        List<String> lossy = new ArrayList<>();
        List<String> reliable = new ArrayList<>();
        for (Peer peer : rows.peers()) {
            if (measured.contains(peer.key()) && !peer.family().equals(PeerRows.SLUICE_FAMILY) && !peer.spin()) {
                (peer.lossy() ? lossy : reliable).add(peer.label());
            }
        }
        Optional<Peer> reliableSluice = rows.declared(PeerSetup.RELIABLE_SLUICE)
            .filter(peer -> measured.contains(peer.key()));
        Optional<Peer> lossySluice = rows.sluice(false).filter(peer -> measured.contains(peer.key()));
        return "Two delivery models. **Reliable**: a subscriber that falls behind holds the publisher back, so every "
            + "subscriber gets every message (" + (reliable.isEmpty() ? "none of the peers run" : String.join(", ",
            reliable)) + "); compared with " + reliableSluice.map(peer -> "**" + peer.label() + "**, "
                + "`Qos.reliable(16)` over 16 slots, as iceoryx's harness subscribes (a queue of 16, "
                + "`BLOCK_PRODUCER`)").orElse("Sluice's reliable row, which did not run")
            + ". **Lossy**: a subscriber that falls behind loses messages, counted, and the publisher keeps its "
            + "schedule (" + (lossy.isEmpty() ? "none of the peers run" : String.join(", ", lossy)) + "); compared "
            + "with " + lossySluice.map(peer -> "**" + peer.label() + "**, `Qos.queue(4)` over 8 slots")
                .orElse("Sluice's lossy row, which did not run") + "."
            + rows.declared(PeerSetup.WARM_SLUICE).filter(peer -> measured.contains(peer.key()))
                .map(warm -> " " + warm.label() + " is the lossy row with " + PeersFormat.count(PeerSetup.PRIME)
                    + " messages sent back to back before the warm-up.").orElse("");
    }

    private void cameraSection(StringBuilder text) {
        List<PeerRows.Compared> camera = rows.measured(Measurement.CAMERA);
        if (camera.isEmpty()) {
            return;
        }
        Measurement first = camera.getFirst().row();
        text.append("### Robot camera\n\n");
        text.append("One frame of ").append(PeersFormat.size(first.size())).append(" (").append(
            PeersFormat.count(first.size())).append(" B: 2K RGB, depth and a point cloud) at ").append(
            PeersFormat.hertz(first.rate())).append(" to ").append(first.subs()).append(" subscribers. Sluice / peer "
            + "frames/s: higher is better; p50, p99 and CPU: lower is better.\n\n");
        if (rows.measured(Measurement.FANOUT).isEmpty()) { // else the fan-out section said it
            text.append(deliveryModels()).append("\n\n");
        }
        text.append(new MarkdownTable<PeerRows.Compared>()
            .left("peer", PeersReport::peerCell)
            .right("frames/s", theirs("fps", PeersFormat::plain))
            .right("delivered", theirs("delivered_pct", PeersFormat::percent))
            .right("p50", theirs("p50_ns", PeersFormat::duration))
            .right("p99", theirs("p99_ns", PeersFormat::duration))
            .right("CPU / sub", theirs("cpu_pct_per_sub", PeersFormat::percent))
            .left("vs Sluice", PeersReport::variantCell)
            .right("Sluice frames/s", ours("fps", PeersFormat::plain))
            .right("Sluice delivered", ours("delivered_pct", PeersFormat::percent))
            .right("Sluice p50", ours("p50_ns", PeersFormat::duration))
            .right("Sluice p99", ours("p99_ns", PeersFormat::duration))
            .right("Sluice / peer frames/s", ratio("fps"))
            .right("Sluice / peer p50", ratio("p50_ns"))
            .right("Sluice / peer p99", ratio("p99_ns"))
            .right("Sluice / peer CPU", ratio("cpu_pct_per_sub"))
            .render(camera)).append('\n');
        image(text, PeersPlots.CAMERA, "Frames per second achieved per peer");
    }

    /** One line of the hand-off table: what was measured, its p50 and p99. */
    private record Limit(String what, double p50, double p99) {
    }

    private void limitsSection(StringBuilder text) {
        List<PeerRows.Compared> memcpy = rows.measured(Measurement.MEMCPY);
        List<PeerRows.Compared> handoff = rows.measured(Measurement.HANDOFF);
        if (memcpy.isEmpty() && handoff.isEmpty()) {
            return;
        }
        text.append("### Physical limits\n\n");
        if (!memcpy.isEmpty()) {
            text.append("`memcpy` on this machine, the floor of any transport that copies a message once, beside "
                + "Sluice's touched latency (the subscriber reads the message once).\n\n");
            text.append(new MarkdownTable<PeerRows.Compared>()
                .right("size", row -> PeersFormat.size(row.row().size()))
                .right("memcpy GB/s", theirs("gb_per_s", PeersFormat::plain))
                .right("one copy takes", row -> PeersFormat.duration(copyNanos(row.row())))
                .right("Sluice spin p50, touched", row -> PeersFormat.duration(sluiceLatency(row.row().size(), true,
                    true)))
                .render(memcpy)).append('\n');
        }
        if (!handoff.isEmpty()) {
            Limit line = new Limit("cache-line hand-off between two cores", handoff.getFirst().figure("p50_ns"),
                handoff.getFirst().figure("p99_ns"));
            List<Limit> limits = new ArrayList<>(List.of(line));
            for (boolean spin : List.of(true, false)) {
                rows.sluice(spin).ifPresent(peer -> latencyRow(peer, 64, false)
                    .ifPresent(row -> limits.add(new Limit(peer.label() + ", 64 B untouched, one-way",
                        row.figure("p50_ns"), row.figure("p99_ns")))));
            }
            text.append(new MarkdownTable<Limit>()
                .left("what", Limit::what)
                .right("p50", limit -> PeersFormat.duration(limit.p50()))
                .right("p99", limit -> PeersFormat.duration(limit.p99()))
                .right("p50 / hand-off p50", limit -> PeersFormat.ratio(limit.p50() / line.p50()))
                .render(limits)).append('\n');
        }
    }

    private void notMeasuredSection(StringBuilder text) {
        List<Measurement> missing = rows.notMeasured();
        if (missing.isEmpty()) {
            return;
        }
        text.append("### Not measured\n\n");
        text.append("Rows without figures: `unsupported` (the peer cannot carry it), `skipped` (not installed or not "
            + "asked for), `failed` (it ran and went wrong).\n\n");
        text.append(new MarkdownTable<Measurement>()
            .left("peer", row -> rows.peer(row.peer()).label())
            .left("workload", Measurement::workload)
            .left("point", row -> PeerRows.Point.of(row).describe())
            .left("status", Measurement::status)
            .left("reason", row -> row.reason().isEmpty() ? PeersFormat.NONE : row.reason())
            .render(missing)).append('\n');
    }

    // ---- cells ----

    private static Function<PeerRows.Compared, String> theirs(String figure, DoubleFunction<String> format) {
        return row -> format.apply(row.figure(figure));
    }

    private static Function<PeerRows.Compared, String> ours(String figure, DoubleFunction<String> format) {
        return row -> format.apply(row.sluiceFigure(figure));
    }

    private static Function<PeerRows.Compared, String> ratio(String figure) {
        return row -> PeersFormat.ratio(row.ratio(figure));
    }

    private static String peerCell(PeerRows.Compared row) {
        return row.isSluice() ? "**" + row.peer().label() + "**" : row.peer().label();
    }

    private static String variantCell(PeerRows.Compared row) {
        return row.sluicePeer() == null ? PeersFormat.NONE : row.variant();
    }

    private static String touchCell(PeerRows.Compared row) {
        return row.row().touch() ? "yes" : "no";
    }

    private static String verdictCell(PeersGoals.Goal goal) {
        String text = goal.verdictText();
        return "**" + goal.verdict() + "**" + text.substring(goal.verdict().length());
    }

    private static String[] splitMachineLine(String line) {
        int bar = line.indexOf('|');
        return bar < 0 ? new String[] {line.strip(), ""}
            : new String[] {line.substring(0, bar).strip(), line.substring(bar + 1).strip()};
    }

    private static String versions(List<Peer> peers) {
        List<String> versions = peers.stream().map(Peer::version).filter(version -> !version.isBlank()).distinct()
            .toList();
        return versions.isEmpty() ? PeersFormat.NONE : String.join(", ", versions);
    }

    private static double copyNanos(Measurement memcpy) {
        double bytesPerSecond = memcpy.figure("gb_per_s") * 1e9;
        return bytesPerSecond > 0 ? memcpy.size() / bytesPerSecond * 1e9 : Double.NaN;
    }

    /** Embeds plot {@code file} when it was drawn (a plot without data is not). */
    private void image(StringBuilder text, String file, String alt) {
        if (!svgs.containsKey(file)) {
            return;
        }
        text.append("![").append(alt).append("](").append(IMAGE_DIRECTORY).append('/').append(file).append(")\n\n");
    }

    // ---- lookups ----

    private Map<String, List<Peer>> families() {
        Map<String, List<Peer>> families = new LinkedHashMap<>();
        rows.peers().forEach(peer -> families.computeIfAbsent(peer.family(), family -> new ArrayList<>()).add(peer));
        return families;
    }

    private String sluiceLabel(boolean spin) {
        return rows.sluice(spin).map(Peer::label).orElse("Sluice " + PeerRows.waitWord(spin));
    }

    private Optional<Measurement> latencyRow(Peer peer, long size, boolean touch) {
        Predicate<Measurement> wanted = row -> row.ok() && row.workload().equals(Measurement.LATENCY)
            && row.peer().equals(peer.key()) && row.size() == size && row.touch() == touch;
        return rows.rows().stream().filter(wanted).findFirst();
    }

    private double sluiceLatency(long size, boolean touch, boolean spin) {
        return rows.sluice(spin).flatMap(peer -> latencyRow(peer, size, touch))
            .map(row -> row.figure("p50_ns")).orElse(Double.NaN);
    }

    // ---- JSON ----

    private Map<String, Object> infoJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("command", info.command());
        json.put("quick", info.quick());
        json.put("date", info.date());
        json.put("commit", info.commit());
        json.put("machine", info.machineLines());
        json.put("settings", new LinkedHashMap<>(info.settings()));
        json.put("notes", info.notes());
        return json;
    }

    private static Map<String, Object> peerJson(Peer peer) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("key", peer.key());
        json.put("label", peer.label());
        json.put("family", peer.family());
        json.put("spin", peer.spin());
        json.put("version", peer.version());
        json.put("lossy", peer.lossy());
        return json;
    }

    private static Map<String, Object> rowJson(Measurement row) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("workload", row.workload());
        json.put("peer", row.peer());
        json.put("size", row.size());
        json.put("touch", row.touch());
        json.put("subs", row.subs());
        json.put("rate", row.rate());
        json.put("status", row.status());
        json.put("reason", row.reason());
        json.put("figures", new TreeMap<>(row.figures()));
        return json;
    }

    private static Map<String, Object> goalJson(PeersGoals.Goal goal) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("key", goal.key());
        json.put("title", goal.title());
        json.put("verdict", goal.verdict());
        json.put("detail", goal.detail());
        json.put("figures", goal.figures());
        return json;
    }
}
