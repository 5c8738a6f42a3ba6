package io.sluice.bench.peers;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rows of one run indexed by workload point and peer, and the rule that pairs each row with Sluice: a peer is
 * compared with the Sluice variant ({@linkplain #SLUICE_FAMILY family} {@code sluice}) that waits the same way —
 * blocking peers with the blocking variant, spinning peers with the spinning one — on the same workload point; in
 * fan-out (and the camera) a blocking peer whose slow subscribers hold the publisher back (not
 * {@linkplain Peer#lossy() lossy}) is compared with Sluice's reliable variant instead.
 */
final class PeerRows {
    /** The family of Sluice's own peers. */
    static final String SLUICE_FAMILY = "sluice";

    private static final List<String> WORKLOAD_ORDER = List.of(Measurement.LATENCY, Measurement.THROUGHPUT,
        Measurement.FANOUT, Measurement.CAMERA, Measurement.MEMCPY, Measurement.HANDOFF);

    /** One workload point: everything of a row but the peer and what it measured. */
    record Point(String workload, long size, boolean touch, int subs, double rate) {
        static Point of(Measurement row) {
            return new Point(row.workload(), row.size(), row.touch(), row.subs(), row.rate());
        }

        /** The point in words, without the workload: {@code 1 MiB touched}, {@code 8 MiB at 30 Hz to 4 subscribers}. */
        String describe() {
            return switch (workload) {
                case Measurement.LATENCY, Measurement.THROUGHPUT -> PeersFormat.size(size) + " " + touchWord(touch);
                case Measurement.FANOUT, Measurement.CAMERA -> PeersFormat.size(size) + " at " + PeersFormat.hertz(rate)
                    + " to " + subs + (subs == 1 ? " subscriber" : " subscribers");
                case Measurement.HANDOFF -> "cache line";
                default -> PeersFormat.size(size);
            };
        }
    }

    /**
     * A measured row beside its Sluice counterpart.
     *
     * @param row        the peer's row
     * @param peer       its peer
     * @param sluice     the Sluice row of the same point with figures, or null (none, not measured, or the row is
     *                   Sluice's own)
     * @param sluicePeer the Sluice variant it is compared with, or null
     */
    record Compared(Measurement row, Peer peer, Measurement sluice, Peer sluicePeer) {
        double figure(String name) {
            return row.figure(name);
        }

        double sluiceFigure(String name) {
            return sluice == null ? Double.NaN : sluice.figure(name);
        }

        /**
         * Sluice's figure over the peer's, NaN when either is missing or not positive (a figure of 0 is a harness
         * that reported nothing, and would pass any lower-is-better goal).
         */
        double ratio(String name) {
            double theirs = figure(name);
            double ours = sluiceFigure(name);
            return theirs > 0 && ours > 0 ? ours / theirs : Double.NaN;
        }

        boolean isSluice() {
            return peer.family().equals(SLUICE_FAMILY);
        }

        /** {@code spin}, {@code block} or {@code reliable}: how the Sluice counterpart waits and delivers. */
        String variant() {
            if (sluicePeer == null) {
                return "";
            }
            return sluicePeer.key().equals(PeerSetup.RELIABLE_SLUICE) ? "reliable" : waitWord(sluicePeer.spin());
        }
    }

    private final List<Peer> peers;
    private final Map<String, Integer> order = new HashMap<>();
    private final List<Measurement> rows;
    private final Map<Point, Map<String, Measurement>> byPoint = new LinkedHashMap<>();

    PeerRows(List<Peer> peers, List<Measurement> rows) {
        this.peers = List.copyOf(peers);
        for (int index = 0; index < this.peers.size(); index++) {
            order.putIfAbsent(this.peers.get(index).key(), index);
        }
        this.rows = rows.stream().sorted(rowOrder()).toList();
        for (Measurement row : this.rows) {
            byPoint.computeIfAbsent(Point.of(row), point -> new LinkedHashMap<>()).put(row.peer(), row);
        }
    }

    List<Peer> peers() {
        return peers;
    }

    /** Every row, sorted by workload, point, then the order of the peers. */
    List<Measurement> rows() {
        return rows;
    }

    /** The peer {@code key}; a key no peer declares (e.g. {@code limits}) gets a peer of its own name. */
    Peer peer(String key) {
        return declared(key).orElseGet(() -> new Peer(key, key, key, false, ""));
    }

    /** The position of a peer in the legend and the tables: the declared order, undeclared keys last. */
    int index(String key) {
        return order.getOrDefault(key, peers.size());
    }

    /** Sluice's plain variant that spins ({@code true}) or blocks: not the reliable or the JIT-warmed fan-out one. */
    Optional<Peer> sluice(boolean spin) {
        return peers.stream().filter(peer -> peer.family().equals(SLUICE_FAMILY) && peer.spin() == spin
            && !peer.key().equals(PeerSetup.RELIABLE_SLUICE) && !peer.key().equals(PeerSetup.WARM_SLUICE)).findFirst();
    }

    /** The peer the run declares under {@code key}, if any. */
    Optional<Peer> declared(String key) {
        Integer index = order.get(key);
        return index == null ? Optional.empty() : Optional.of(peers.get(index));
    }

    /** The row of {@code peerKey} at {@code point}, whatever its status. */
    Optional<Measurement> find(Point point, String peerKey) {
        return Optional.ofNullable(byPoint.getOrDefault(point, Map.of()).get(peerKey));
    }

    /** The measured rows of {@code workload}, each with the Sluice variant that waits as its peer does. */
    List<Compared> measured(String workload) {
        List<Compared> measured = new ArrayList<>();
        for (Measurement row : rows) {
            if (row.ok() && row.workload().equals(workload)) {
                Peer peer = peer(row.peer());
                measured.add(peer.family().equals(SLUICE_FAMILY) ? new Compared(row, peer, null, null)
                    : compare(row, peer.spin()));
            }
        }
        return measured;
    }

    /**
     * {@code row} beside the Sluice variant that spins ({@code true}) or blocks, at the same point; a blocking
     * counterpart in fan-out is the reliable variant unless the peer is {@linkplain Peer#lossy() lossy}.
     */
    Compared compare(Measurement row, boolean spin) {
        Peer peer = peer(row.peer());
        Peer sluicePeer = Measurement.isFanout(row.workload()) && !spin && !peer.lossy()
            ? declared(PeerSetup.RELIABLE_SLUICE).orElse(null)
            : sluice(spin).orElse(null);
        Measurement sluice = sluicePeer == null ? null
            : find(Point.of(row), sluicePeer.key()).filter(Measurement::ok).orElse(null);
        return new Compared(row, peer, sluice, sluicePeer);
    }

    /** The rows without figures: unsupported, skipped or failed. */
    List<Measurement> notMeasured() {
        return rows.stream().filter(row -> !row.ok()).toList();
    }

    static String touchWord(boolean touch) {
        return touch ? "touched" : "untouched";
    }

    static String waitWord(boolean spin) {
        return spin ? "spin" : "block";
    }

    private Comparator<Measurement> rowOrder() {
        return Comparator.<Measurement>comparingInt(row -> workloadIndex(row.workload()))
            .thenComparing(Measurement::workload)
            .thenComparingLong(Measurement::size)
            .thenComparing(Measurement::touch)
            .thenComparingInt(Measurement::subs)
            .thenComparingDouble(Measurement::rate)
            .thenComparingInt(row -> index(row.peer()))
            .thenComparing(Measurement::peer);
    }

    private static int workloadIndex(String workload) {
        int index = WORKLOAD_ORDER.indexOf(workload);
        return index < 0 ? WORKLOAD_ORDER.size() : index;
    }
}
