package io.sluice.cli.bench.peers;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleFunction;
import java.util.function.Predicate;

/**
 * The four goals of Sluice against its peers, and how a run is judged against them. Each goal compares Sluice's
 * figure with a peer's, row by row, as the ratio Sluice / peer:
 * <ol>
 *   <li>p50 one-way latency no higher than iceoryx's at every size — every latency point, each iceoryx variant
 *       against the Sluice variant that waits the same way; ratio at most 1.</li>
 *   <li>At least 20× the frames/s of 0MQ (pyzmq and JeroMQ) at 44 MiB — throughput, blocking Sluice, untouched and
 *       touched.</li>
 *   <li>At least 3× Aeron IPC's frames/s at 8 MiB — throughput, spinning Sluice against Aeron's spinning variants.</li>
 *   <li>At least half of Aeron IPC's message rate at 64 B — the same pairs at 64 B.</li>
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
    private static final long ANY_SIZE = -1;

    /**
     * One judged goal.
     *
     * @param key     stable id for JSON: {@code latency-vs-iceoryx}, {@code throughput-vs-zmq-44mib},
     *                {@code throughput-vs-aeron-8mib}, {@code rate-vs-aeron-64b}
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

    private record Spec(String key, String title, String workload, Predicate<Peer> peers, Boolean sluiceSpin,
                        long size, String figure, double threshold, boolean higherIsBetter,
                        DoubleFunction<String> format) {
        boolean selects(Measurement row, Peer peer) {
            return row.workload().equals(workload) && (size == ANY_SIZE || row.size() == size) && peers.test(peer);
        }

        boolean passes(double ratio) {
            return higherIsBetter ? ratio >= threshold : ratio <= threshold;
        }
    }

    private record Comparison(PeerRows.Compared compared, double ratio, boolean passes) {
    }

    private static final List<Spec> SPECS = List.of(
        new Spec("latency-vs-iceoryx", "Sluice p50 latency no higher than iceoryx's at every size",
            Measurement.LATENCY, family("iceoryx"), null, ANY_SIZE, "p50_ns", 1.0, false, PeersFormat::duration),
        new Spec("throughput-vs-zmq-44mib", "At least 20× the frames/s of 0MQ at 44 MiB",
            Measurement.THROUGHPUT, family("zmq").or(family("jeromq")), false, SIZE_44_MIB, "msgs_per_s", 20.0, true,
            PeersGoals::perSecond),
        new Spec("throughput-vs-aeron-8mib", "At least 3× Aeron IPC's frames/s at 8 MiB",
            Measurement.THROUGHPUT, family("aeron").and(Peer::spin), true, SIZE_8_MIB, "msgs_per_s", 3.0, true,
            PeersGoals::perSecond),
        new Spec("rate-vs-aeron-64b", "At least half of Aeron IPC's message rate at 64 B",
            Measurement.THROUGHPUT, family("aeron").and(Peer::spin), true, SIZE_64_B, "msgs_per_s", 0.5, true,
            PeersGoals::perSecond));

    private PeersGoals() {
    }

    /** The four goals judged on {@code rows}, in order. */
    static List<Goal> evaluate(PeerRows rows) {
        return SPECS.stream().map(spec -> evaluate(spec, rows)).toList();
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
                missing.add(whyMissing(compared, rows, spec));
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
        return PeersFormat.ratio(comparison.ratio()) + " vs " + compared.peer().label() + " at "
            + PeerRows.Point.of(compared.row()).describe();
    }

    /** {@code JeroMQ, 44 MiB touched: 18× (Sluice block 396 vs 22.0 msg/s)}. */
    private static String longText(Spec spec, Comparison comparison) {
        PeerRows.Compared compared = comparison.compared();
        return compared.peer().label() + ", " + PeerRows.Point.of(compared.row()).describe() + ": "
            + PeersFormat.ratio(comparison.ratio()) + " (Sluice " + compared.variant() + " "
            + spec.format().apply(compared.sluiceFigure(spec.figure())) + " vs "
            + spec.format().apply(compared.figure(spec.figure())) + ")";
    }

    private static String whyMissing(PeerRows.Compared compared, PeerRows rows, Spec spec) {
        Measurement row = compared.row();
        String where = compared.peer().label() + " at " + PeerRows.Point.of(row).describe();
        if (!row.ok()) {
            return where + " " + row.status() + reason(row);
        }
        if (compared.sluicePeer() == null) {
            return where + ": no Sluice " + PeerRows.waitWord(Boolean.TRUE.equals(spec.sluiceSpin())) + " peer";
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

    private static Predicate<Peer> family(String family) {
        return peer -> peer.family().equals(family);
    }
}
