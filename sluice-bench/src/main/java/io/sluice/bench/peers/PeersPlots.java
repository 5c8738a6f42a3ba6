package io.sluice.bench.peers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleFunction;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * The plots of the peers report, as SVG text by file name. A plot without data is left out. Each peer keeps its
 * colour and marker in every plot (its position in the list of peers); spinning peers are dashed, Sluice bold.
 */
final class PeersPlots {
    static final String LATENCY = "peers-latency.svg";
    static final String LATENCY_TOUCH = "peers-latency-touch.svg";
    static final String THROUGHPUT = "peers-throughput.svg";
    static final String FANOUT = "peers-fanout.svg";
    static final String CAMERA = "peers-camera.svg";

    private final PeerRows rows;

    PeersPlots(PeerRows rows) {
        this.rows = rows;
    }

    /** Every plot with data, by file name, in the order the report shows them. */
    Map<String, String> render() {
        Map<String, String> plots = new LinkedHashMap<>();
        put(plots, LATENCY, latency(false));
        put(plots, LATENCY_TOUCH, latency(true));
        put(plots, THROUGHPUT, bySize(Measurement.THROUGHPUT, false, "msgs_per_s",
            "Throughput, one publisher to one subscriber, untouched", "messages per second", PeersFormat::rate));
        put(plots, FANOUT, fanout());
        put(plots, CAMERA, camera());
        return plots;
    }

    private String latency(boolean touch) {
        return bySize(Measurement.LATENCY, touch, "p50_ns",
            "One-way latency p50 (half a round trip), " + PeerRows.touchWord(touch), "one-way latency p50",
            PeersFormat::duration);
    }

    private String bySize(String workload, boolean touch, String figure, String title, String yTitle,
                          DoubleFunction<String> yLabel) {
        return lines(row -> row.workload().equals(workload) && row.touch() == touch, Measurement::size, figure,
            title, "message size (log)", value -> PeersFormat.size((long) value), yTitle + " (log)", yLabel);
    }

    private String fanout() {
        List<Measurement> fanout = measured(Measurement.FANOUT);
        if (fanout.isEmpty()) {
            return null;
        }
        Measurement first = fanout.getFirst();
        String title = "Fan-out of " + PeersFormat.size(first.size()) + " at " + PeersFormat.hertz(first.rate())
            + ": p99 latency";
        return lines(row -> row.workload().equals(Measurement.FANOUT), Measurement::subs, "p99_ns", title,
            "subscribers (log)", value -> Long.toString(Math.round(value)), "latency p99, publish to read (log)",
            PeersFormat::duration);
    }

    private String lines(Predicate<Measurement> selected, ToDoubleFunction<Measurement> x, String figure,
                         String title, String xTitle, DoubleFunction<String> xLabel, String yTitle,
                         DoubleFunction<String> yLabel) {
        Map<String, List<double[]>> byPeer = new LinkedHashMap<>();
        for (Measurement row : rows.rows()) {
            double y = row.figure(figure);
            if (row.ok() && selected.test(row) && y > 0 && Double.isFinite(y)) {
                byPeer.computeIfAbsent(row.peer(), key -> new ArrayList<>()).add(new double[] {x.applyAsDouble(row), y});
            }
        }
        if (byPeer.isEmpty()) {
            return null;
        }
        List<SvgChart.Series> series = byPeer.entrySet().stream()
            .map(entry -> new SvgChart.Series(rows.peer(entry.getKey()).label(), style(entry.getKey()),
                entry.getValue()))
            .toList();
        List<Double> xs = byPeer.values().stream().flatMap(List::stream).map(point -> point[0]).toList();
        List<Double> ys = byPeer.values().stream().flatMap(List::stream).map(point -> point[1]).toList();
        return SvgChart.lines(title, SvgChart.Axis.logAt(xTitle, xs, xLabel),
            SvgChart.Axis.logDecades(yTitle, ys, yLabel), series);
    }

    private String camera() {
        List<Measurement> camera = measured(Measurement.CAMERA).stream()
            .filter(row -> Double.isFinite(row.figure("fps"))).toList();
        if (camera.isEmpty()) {
            return null;
        }
        Measurement first = camera.getFirst();
        double highest = Math.max(first.rate(), camera.stream().mapToDouble(row -> row.figure("fps")).max().orElse(0));
        List<SvgChart.Bar> bars = camera.stream()
            .map(row -> new SvgChart.Bar(rows.peer(row.peer()).label(), style(row.peer()), row.figure("fps"),
                PeersFormat.plain(row.figure("fps"))))
            .toList();
        String title = "Robot camera: " + PeersFormat.size(first.size()) + " at " + PeersFormat.hertz(first.rate())
            + " to " + first.subs() + " subscribers, frames/s achieved";
        return SvgChart.bars(title, SvgChart.Axis.linear("frames per second", highest * 1.15, PeersFormat::plain),
            bars, first.rate(), PeersFormat.hertz(first.rate()) + " offered");
    }

    private List<Measurement> measured(String workload) {
        return rows.rows().stream().filter(row -> row.ok() && row.workload().equals(workload)).toList();
    }

    private SvgChart.Style style(String key) {
        Peer peer = rows.peer(key);
        return SvgChart.Style.of(rows.index(key), peer.spin(), peer.family().equals(PeerRows.SLUICE_FAMILY));
    }

    private static void put(Map<String, String> plots, String name, String svg) {
        if (svg != null) {
            plots.put(name, svg);
        }
    }
}
