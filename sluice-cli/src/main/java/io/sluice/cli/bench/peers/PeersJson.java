package io.sluice.cli.bench.peers;

import io.sluice.cli.json.JsonReader;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads back what {@link PeersReport#json()} wrote ({@code target/bench-peers/peers.json}), so that
 * {@code sluice bench peers --from-json FILE} can render the tables and plots of a run again, e.g. after a change
 * to the report, without measuring again: the figures stay those of the run.
 */
final class PeersJson {
    /** A run read back: its settings, peers and rows. */
    record Run(RunInfo info, List<Peer> peers, List<Measurement> rows) {
    }

    private PeersJson() {
    }

    /**
     * @throws IllegalArgumentException when {@code text} is not such a file, naming what is missing
     */
    static Run read(String text) {
        Map<String, Object> root = JsonReader.parseObject(text);
        Map<String, Object> info = object(root, "info");
        Map<String, String> settings = new LinkedHashMap<>();
        object(info, "settings").forEach((key, value) -> settings.put(key, String.valueOf(value)));
        RunInfo runInfo = new RunInfo(string(info, "command"), bool(info, "quick"), string(info, "date"),
            string(info, "commit"), strings(info, "machine"), settings, strings(info, "notes"));
        List<Peer> peers = new ArrayList<>();
        for (Object item : list(root, "peers")) {
            Map<String, Object> peer = asObject(item, "peers[]");
            Peer read = new Peer(string(peer, "key"), string(peer, "label"), string(peer, "family"),
                bool(peer, "spin"), string(peer, "version"));
            // runs written before peers said whether their fan-out is lossy: as the key says
            peers.add(peer.containsKey("lossy") ? new Peer(read.key(), read.label(), read.family(), read.spin(),
                read.version(), bool(peer, "lossy")) : read);
        }
        List<Measurement> rows = new ArrayList<>();
        for (Object item : list(root, "rows")) {
            Map<String, Object> row = asObject(item, "rows[]");
            Map<String, Double> figures = new LinkedHashMap<>();
            object(row, "figures").forEach((key, value) -> figures.put(key, number(value, "figures." + key)));
            rows.add(new Measurement(string(row, "workload"), string(row, "peer"),
                (long) number(row.get("size"), "size"), bool(row, "touch"), (int) number(row.get("subs"), "subs"),
                number(row.get("rate"), "rate"), string(row, "status"), string(row, "reason"), figures));
        }
        return new Run(runInfo, peers, rows);
    }

    private static Map<String, Object> object(Map<String, Object> parent, String key) {
        return asObject(parent.get(key), key);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asObject(Object value, String what) {
        if (!(value instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("not a peers.json: " + what + " is not an object");
        }
        return (Map<String, Object>) value;
    }

    private static List<?> list(Map<String, Object> parent, String key) {
        if (!(parent.get(key) instanceof List<?> list)) {
            throw new IllegalArgumentException("not a peers.json: " + key + " is not a list");
        }
        return list;
    }

    private static List<String> strings(Map<String, Object> parent, String key) {
        List<String> strings = new ArrayList<>();
        for (Object item : list(parent, key)) {
            strings.add(String.valueOf(item));
        }
        return strings;
    }

    private static String string(Map<String, Object> parent, String key) {
        if (!(parent.get(key) instanceof String value)) {
            throw new IllegalArgumentException("not a peers.json: " + key + " is not a string");
        }
        return value;
    }

    private static boolean bool(Map<String, Object> parent, String key) {
        if (!(parent.get(key) instanceof Boolean value)) {
            throw new IllegalArgumentException("not a peers.json: " + key + " is not true or false");
        }
        return value;
    }

    private static double number(Object value, String what) {
        if (!(value instanceof Number number)) {
            throw new IllegalArgumentException("not a peers.json: " + what + " is not a number");
        }
        return number.doubleValue();
    }
}
