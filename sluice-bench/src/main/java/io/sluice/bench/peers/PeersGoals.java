package io.sluice.bench.peers;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleFunction;
import java.util.function.Predicate;

/**
 * The goals of Sluice against its peers, and how a run is judged against them. Each goal but one compares Sluice's
 * figure with a peer's, row by row, as the ratio Sluice / peer:
 * <ol>
 *   <li>p50 one-way latency no higher than iceoryx's at every size — every latency point, each iceoryx variant
 *       against the Sluice variant that waits the same way; ratio at most 1.</li>
 *   <li>At least 20× the frames/s of 0MQ (pyzmq and JeroMQ) at 44 MiB — throughput, blocking Sluice, untouched and
 *       touched.</li>
 *   <li>At least 3× Aeron IPC's frames/s at 8 MiB — throughput, spinning Sluice against Aeron's spinning variants.</li>
 *   <li>At least half of Aeron IPC's message rate at 64 B — the same pairs at 64 B.</li>
 *   <li>Many subscriber processes (issue 12): Sluice's reliable fan-out delivers every message to every subscriber
 *       on the publisher's schedule (not a ratio: judged on Sluice's own rows); its p50 at most 1.5×, p99 at most
 *       3× and CPU per subscriber at most 2× iceoryx's at every fan-out; the robot camera's p50 and p99 at most
 *       1.5× iceoryx's; touched latency (p50) and throughput from 1 MiB to 44 MiB within 1.2× of iceoryx's.</li>
 * </ol>
 * A goal is {@value #MET} when every compared row meets it, {@value #NOT_MET} when any does not (the rows that do
 * not are listed), and {@value #NOT_MEASURED} when no row could be compared. Rows that could not be compared
 * (unsupported, failed, no Sluice figure) are named in the goal's figures.
 */
final class PeersGoals {
    static final String MET = "met";
    static final String NOT_MET = "not met";
    static final String NOT_MEASURED = "not measured";

    /** Sizes the goals name. */
    static final long SIZE_44_MIB = 46_137_344L;
    static final long SIZE_8_MIB = 8_388_608L;
    static final long SIZE_64_B = 64L;

    /** Failing or missing rows listed in a verdict before "and N more". */
    private static final int LISTED = 4;
    /** Up to this many comparisons a goal's figures list each; above it, a summary and the worst. */
    private static final int LISTED_FIGURES = 6;

    /**
     * One judged goal.
     *
     * @param key     stable id for JSON: {@code latency-vs-iceoryx}, {@code throughput-vs-zmq-44mib},
     *                {@code throughput-vs-aeron-8mib}, {@code rate-vs-aeron-64b}, {@value #RELIABLE_FANOUT},
     *                {@code fanout-p50-vs-iceoryx} ...
     * @param title   the goal in words
     * @param verdict {@value #MET}, {@value #NOT_MET} or {@value #NOT_MEASURED}
     * @param detail  what qualifies the verdict: the failing rows, or why nothing was measured; may be empty
     * @param figures the comparisons that decide it, with the figures on both sides
     */
    record Goal(String key, String title, String verdict, String detail, String figures) {
        /** The verdict with its detail, e.g. {@code not met: 0.80× vs JeroMQ at 44 MiB touched}. */
        String verdictText() {
            if (detail.isEmpty()) {
                return verdict;
            }
            return verdict.equals(MET) ? verdict + " (" + detail + ")" : verdict + ": " + detail;
        }
    }

    /**
     * A ratio goal. {@code everyPoint}: the goal promises every point, so a row that could not be compared leaves it
     * {@value #NOT_MEASURED} (unless a compared row fails it) instead of met.
     */
    private record Spec(String key, String title, String workload, Predicate<Peer> peers, Boolean sluiceSpin,
                        Predicate<Measurement> points, String figure, double threshold, boolean higherIsBetter,
                        DoubleFunction<String> format, boolean everyPoint) {
        Spec(String key, String title, String workload, Predicate<Peer> peers, Boolean sluiceSpin,
             Predicate<Measurement> points, String figure, double threshold, boolean higherIsBetter,
             DoubleFunction<String> format) {
            this(key, title, workload, peers, sluiceSpin, points, figure, threshold, higherIsBetter, format, false);
        }

        boolean selects(Measurement row, Peer peer) {
            return row.workload().equals(workload) && points.test(row) && peers.test(peer);
        }

        boolean passes(double ratio) {
            return higherIsBetter ? ratio >= threshold : ratio <= threshold;
        }
    }

    private record Comparison(PeerRows.Compared compared, double ratio, boolean passes) {
    }

    private static final List<Spec> SPECS = List.of(
        new Spec("latency-vs-iceoryx", "Sluice p50 latency no higher than iceoryx's at every size",
            Measurement.LATENCY, family("iceoryx"), null, row -> true, "p50_ns", 1.0, false, PeersFormat::duration),
        new Spec("throughput-vs-zmq-44mib", "At least 20× the frames/s of 0MQ at 44 MiB",
            Measurement.THROUGHPUT, family("zmq").or(family("jeromq")), false, size(SIZE_44_MIB), "msgs_per_s", 20.0,
            true, PeersGoals::perSecond),
        new Spec("throughput-vs-aeron-8mib", "At least 3× Aeron IPC's frames/s at 8 MiB",
            Measurement.THROUGHPUT, family("aeron").and(Peer::spin), true, size(SIZE_8_MIB), "msgs_per_s", 3.0, true,
            PeersGoals::perSecond),
        new Spec("rate-vs-aeron-64b", "At least half of Aeron IPC's message rate at 64 B",
            Measurement.THROUGHPUT, family("aeron").and(Peer::spin), true, size(SIZE_64_B), "msgs_per_s", 0.5, true,
            PeersGoals::perSecond));

    /** The goals of many subscriber processes (issue 12), after {@link #RELIABLE_FANOUT}. */
    private static final List<Spec> MANY_SUBSCRIBER_SPECS = List.of(
        atMost("fanout-p50-vs-iceoryx", "Fan-out p50 at most 1.5× iceoryx's at every number of subscribers",
            Measurement.FANOUT, row -> true, "p50_ns", 1.5, PeersFormat::duration),
        atMost("fanout-p99-vs-iceoryx", "Fan-out p99 at most 3× iceoryx's at every number of subscribers",
            Measurement.FANOUT, row -> true, "p99_ns", 3.0, PeersFormat::duration),
        atMost("fanout-cpu-vs-iceoryx", "Fan-out CPU per subscriber at most 2× iceoryx's",
            Measurement.FANOUT, row -> true, "cpu_pct_per_sub", 2.0, PeersFormat::percent),
        atMost("camera-p50-vs-iceoryx", "Robot camera p50 at most 1.5× iceoryx's",
            Measurement.CAMERA, row -> true, "p50_ns", 1.5, PeersFormat::duration),
        atMost("camera-p99-vs-iceoryx", "Robot camera p99 at most 1.5× iceoryx's",
            Measurement.CAMERA, row -> true, "p99_ns", 1.5, PeersFormat::duration),
        atMost("touched-latency-vs-iceoryx", "Touched p50 latency from 1 MiB to 44 MiB within 1.2× of iceoryx's",
            Measurement.LATENCY, PeersGoals::largeTouched, "p50_ns", 1.2, PeersFormat::duration),
        new Spec("touched-throughput-vs-iceoryx", "Touched throughput from 1 MiB to 44 MiB within 1.2× of iceoryx's",
            Measurement.THROUGHPUT, family("iceoryx"), null, PeersGoals::largeTouched, "msgs_per_s", 1 / 1.2, true,
            PeersGoals::perSecond, true));

    /** The reliable fan-out goal's key; it judges Sluice's own rows, not ratios. */
    static final String RELIABLE_FANOUT = "fanout-reliable-delivered";
    /** A reliable fan-out keeps the schedule when it achieves this share of the rate, with no late message. */
    static final double SCHEDULE_KEPT = 0.99;
    /** ... and hands every message over within this share of a period after its slot. */
    static final double MAX_LAG_PERIODS = 0.5;

    private PeersGoals() {
    }

    /** The goals judged on {@code rows}, in order. */
    static List<Goal> evaluate(PeerRows rows) {
        List<Goal> goals = new ArrayList<>(SPECS.stream().map(spec -> evaluate(spec, rows)).toList());
        goals.add(reliableFanout(rows));
        MANY_SUBSCRIBER_SPECS.stream().map(spec -> evaluate(spec, rows)).forEach(goals::add);
        return goals;
    }

    /**
     * Every fan-out and camera row of Sluice's reliable variant delivered 100% of what was sent to every subscriber
     * on the publisher's schedule: no message sent late, at least {@value #SCHEDULE_KEPT} of the rate achieved per
     * subscriber, and no message handed over more than {@value #MAX_LAG_PERIODS} of a period after its slot (a
     * publisher held back by a slow subscriber catches up in a burst, which the first two do not see). A row that
     * failed fails the goal: the likeliest way reliable delivery breaks is a publisher that gives up waiting.
     */
    private static Goal reliableFanout(PeerRows rows) {
        String title = "Reliable fan-out: every message to every subscriber, on the publisher's schedule";
        List<String> figures = new ArrayList<>();
        List<String> failing = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (Measurement row : rows.rows()) {
            if (!Measurement.isFanout(row.workload()) || !row.peer().equals(PeerSetup.RELIABLE_SLUICE)) {
                continue;
            }
            String where = PeerRows.Point.of(row).describe();
            if (row.status().equals(Measurement.FAILED)) {
                failing.add(where + " failed" + reason(row));
                continue;
            }
            if (!row.ok()) {
                missing.add(where + " " + row.status() + reason(row));
                continue;
            }
            double delivered = row.figure("delivered_pct");
            double fps = row.figure("fps");
            double late = row.figure("late");
            double lag = row.figure("max_lag_ns");
            double period = 1e9 / row.rate();
            String text = where + ": " + PeersFormat.significant(delivered, 4) + "% delivered, "
                + PeersFormat.significant(fps, 4) + " Hz per subscriber, " + PeersFormat.count(late) + " late, "
                + "worst hand-over " + PeersFormat.duration(lag) + " after its slot";
            figures.add(text);
            if (!(delivered >= 100) || !(fps >= SCHEDULE_KEPT * row.rate()) || late != 0
                || !(lag <= MAX_LAG_PERIODS * period)) {
                failing.add(text);
            }
        }
        String all = String.join("; ", figures) + (missing.isEmpty() ? "" : "; not measured: " + String.join("; ",
            missing));
        if (!failing.isEmpty()) {
            return new Goal(RELIABLE_FANOUT, title, NOT_MET, listed(failing), all.isEmpty() ? PeersFormat.NONE : all);
        }
        if (figures.isEmpty()) {
            return new Goal(RELIABLE_FANOUT, title, NOT_MEASURED,
                missing.isEmpty() ? "no rows of Sluice's reliable fan-out" : listed(missing), PeersFormat.NONE);
        }
        if (!missing.isEmpty()) {
            return new Goal(RELIABLE_FANOUT, title, NOT_MEASURED, "met where measured; not measured: "
                + listed(missing), all);
        }
        return new Goal(RELIABLE_FANOUT, title, MET, "", all);
    }

    private static Goal evaluate(Spec spec, PeerRows rows) {
        List<Comparison> comparisons = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (Measurement row : rows.rows()) {
            Peer peer = rows.peer(row.peer());
            if (!spec.selects(row, peer)) {
                continue;
            }
            PeerRows.Compared compared = rows.compare(row, spec.sluiceSpin() == null ? peer.spin() : spec.sluiceSpin());
            double ratio = compared.ratio(spec.figure());
            if (row.ok() && Double.isFinite(ratio)) {
                comparisons.add(new Comparison(compared, ratio, spec.passes(ratio)));
            } else {
                missing.add(whyMissing(compared, rows));
            }
        }
        return judge(spec, comparisons, missing);
    }

    private static Goal judge(Spec spec, List<Comparison> comparisons, List<String> missing) {
        if (comparisons.isEmpty()) {
            String detail = missing.isEmpty() ? "no rows of the peers it compares with" : listed(missing);
            return new Goal(spec.key(), spec.title(), NOT_MEASURED, detail, PeersFormat.NONE);
        }
        List<String> failing = comparisons.stream().filter(comparison -> !comparison.passes())
            .map(PeersGoals::shortText).toList();
        String figures = figures(spec, comparisons)
            + (missing.isEmpty() ? "" : "; not compared: " + String.join("; ", missing));
        if (!failing.isEmpty()) {
            return new Goal(spec.key(), spec.title(), NOT_MET, listed(failing), figures);
        }
        if (spec.everyPoint() && !missing.isEmpty()) {
            return new Goal(spec.key(), spec.title(), NOT_MEASURED, "met where compared; not compared: "
                + listed(missing), figures);
        }
        String detail = missing.isEmpty() ? "" : missing.size() + (missing.size() == 1 ? " row" : " rows")
            + " not compared";
        return new Goal(spec.key(), spec.title(), MET, detail, figures);
    }

    private static String figures(Spec spec, List<Comparison> comparisons) {
        if (comparisons.size() <= LISTED_FIGURES) {
            return String.join("; ", comparisons.stream().map(comparison -> longText(spec, comparison)).toList());
        }
        long passing = comparisons.stream().filter(Comparison::passes).count();
        Comparison worst = comparisons.stream()
            .max((a, b) -> spec.higherIsBetter() ? Double.compare(b.ratio(), a.ratio())
                : Double.compare(a.ratio(), b.ratio()))
            .orElseThrow();
        return passing + " of " + comparisons.size() + " rows meet it; worst " + longText(spec, worst);
    }

    /** {@code 0.80× vs JeroMQ at 44 MiB touched}. */
    private static String shortText(Comparison comparison) {
        PeerRows.Compared compared = comparison.compared();
        return goalRatio(comparison.ratio()) + " vs " + compared.peer().label() + " at "
            + PeerRows.Point.of(compared.row()).describe();
    }

    /** {@code JeroMQ, 44 MiB touched: 18× (Sluice block 396 vs 22.0 msg/s)}. */
    private static String longText(Spec spec, Comparison comparison) {
        PeerRows.Compared compared = comparison.compared();
        return compared.peer().label() + ", " + PeerRows.Point.of(compared.row()).describe() + ": "
            + goalRatio(comparison.ratio()) + " (Sluice " + compared.variant() + " "
            + spec.format().apply(compared.sluiceFigure(spec.figure())) + " vs "
            + spec.format().apply(compared.figure(spec.figure())) + ")";
    }

    private static String whyMissing(PeerRows.Compared compared, PeerRows rows) {
        Measurement row = compared.row();
        String where = compared.peer().label() + " at " + PeerRows.Point.of(row).describe();
        if (!row.ok()) {
            return where + " " + row.status() + reason(row);
        }
        if (compared.sluicePeer() == null) {
            return where + ": no Sluice variant to compare with among the peers run";
        }
        return rows.find(PeerRows.Point.of(row), compared.sluicePeer().key())
            .map(sluice -> where + ": Sluice " + compared.variant() + " " + sluice.status() + reason(sluice))
            .orElse(where + ": no Sluice " + compared.variant() + " row");
    }

    private static String reason(Measurement row) {
        return row.reason().isEmpty() ? "" : " (" + row.reason() + ")";
    }

    private static String listed(List<String> items) {
        if (items.size() <= LISTED) {
            return String.join("; ", items);
        }
        return String.join("; ", items.subList(0, LISTED)) + "; and " + (items.size() - LISTED) + " more";
    }

    private static String perSecond(double value) {
        return PeersFormat.rate(value) + " msg/s";
    }

    /**
     * A goal of at most {@code threshold} times iceoryx's figure at every point it selects, each iceoryx variant
     * against its Sluice counterpart.
     */
    private static Spec atMost(String key, String title, String workload, Predicate<Measurement> points, String figure,
                               double threshold, DoubleFunction<String> format) {
        return new Spec(key, title, workload, family("iceoryx"), null, points, figure, threshold, false, format, true);
    }

    /** A ratio to three significant figures: a goal's verdict must not round 1.249 down to its bound of 1.2. */
    private static String goalRatio(double ratio) {
        return Double.isFinite(ratio) ? PeersFormat.significant(ratio, 3) + "×" : PeersFormat.NONE;
    }

    private static Predicate<Measurement> size(long size) {
        return row -> row.size() == size;
    }

    /** Touched rows from 1 MiB to 44 MiB. */
    private static boolean largeTouched(Measurement row) {
        return row.touch() && row.size() >= 1L << 20 && row.size() <= SIZE_44_MIB;
    }

    private static Predicate<Peer> family(String family) {
        return peer -> peer.family().equals(family);
    }
}
