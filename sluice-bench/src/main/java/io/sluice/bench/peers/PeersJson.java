package io.sluice.bench.peers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

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
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A run read back: its settings, peers and rows. */
    record Run(RunInfo info, List<Peer> peers, List<Measurement> rows) {
    }

    private PeersJson() {
    }

    /**
     * @throws IllegalArgumentException when {@code text} is not such a file, naming what is missing
     */
    static Run read(String text) {
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (JsonProcessingException malformed) {
            throw new IllegalArgumentException("not a peers.json: " + malformed.getOriginalMessage(), malformed);
        }
        JsonNode info = object(root, "info");
        Map<String, String> settings = new LinkedHashMap<>();
        object(info, "settings").properties().forEach(setting -> settings.put(setting.getKey(),
            setting.getValue().isValueNode() ? setting.getValue().asText() : setting.getValue().toString()));
        RunInfo runInfo = new RunInfo(string(info, "command"), bool(info, "quick"), string(info, "date"),
            string(info, "commit"), strings(info, "machine"), settings, strings(info, "notes"));
        List<Peer> peers = new ArrayList<>();
        for (JsonNode peer : list(root, "peers")) {
            Peer read = new Peer(string(peer, "key"), string(peer, "label"), string(peer, "family"),
                bool(peer, "spin"), string(peer, "version"));
            // runs written before peers said whether their fan-out is lossy: as the key says
            peers.add(peer.has("lossy") ? new Peer(read.key(), read.label(), read.family(), read.spin(),
                read.version(), bool(peer, "lossy")) : read);
        }
        List<Measurement> rows = new ArrayList<>();
        for (JsonNode row : list(root, "rows")) {
            Map<String, Double> figures = new LinkedHashMap<>();
            object(row, "figures").properties().forEach(figure -> figures.put(figure.getKey(),
                number(figure.getValue(), "figures." + figure.getKey())));
            rows.add(new Measurement(string(row, "workload"), string(row, "peer"),
                (long) number(row.get("size"), "size"), bool(row, "touch"), (int) number(row.get("subs"), "subs"),
                number(row.get("rate"), "rate"), string(row, "status"), string(row, "reason"), figures));
        }
        return new Run(runInfo, peers, rows);
    }

    private static JsonNode object(JsonNode parent, String key) {
        JsonNode value = parent == null ? null : parent.get(key);
        if (value == null || !value.isObject()) {
            throw new IllegalArgumentException("not a peers.json: " + key + " is not an object");
        }
        return value;
    }

    private static JsonNode list(JsonNode parent, String key) {
        JsonNode value = parent.get(key);
        if (value == null || !value.isArray()) {
            throw new IllegalArgumentException("not a peers.json: " + key + " is not a list");
        }
        for (JsonNode item : value) {
            if (!item.isObject()) {
                throw new IllegalArgumentException("not a peers.json: " + key + "[] is not an object");
            }
        }
        return value;
    }

    private static List<String> strings(JsonNode parent, String key) {
        JsonNode value = parent.get(key);
        if (value == null || !value.isArray()) {
            throw new IllegalArgumentException("not a peers.json: " + key + " is not a list");
        }
        List<String> strings = new ArrayList<>();
        value.forEach(item -> strings.add(item.isValueNode() ? item.asText() : item.toString()));
        return strings;
    }

    private static String string(JsonNode parent, String key) {
        JsonNode value = parent.get(key);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("not a peers.json: " + key + " is not a string");
        }
        return value.textValue();
    }

    private static boolean bool(JsonNode parent, String key) {
        JsonNode value = parent.get(key);
        if (value == null || !value.isBoolean()) {
            throw new IllegalArgumentException("not a peers.json: " + key + " is not true or false");
        }
        return value.booleanValue();
    }

    private static double number(JsonNode value, String what) {
        if (value == null || !value.isNumber()) {
            throw new IllegalArgumentException("not a peers.json: " + what + " is not a number");
        }
        return value.doubleValue();
    }
}
