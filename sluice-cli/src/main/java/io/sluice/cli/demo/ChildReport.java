package io.sluice.cli.demo;

import java.util.Map;

/**
 * One JSON line a demo process printed (see {@link DemoNodeMain}), with typed access to its fields. Missing or
 * mistyped numbers read as 0, missing objects as empty, so a report from a process that died half-way still renders.
 *
 * @param fields the parsed line
 */
record ChildReport(Map<String, Object> fields) {
    String event() {
        return fields.get("event") instanceof String event ? event : "";
    }

    String role() {
        return fields.get("role") instanceof String role ? role : "";
    }

    double cpuPercent() {
        return number(fields, "cpu_percent");
    }

    /** The camera's figures, or for a subscriber its figures by topic name. */
    Map<String, Object> figures() {
        return object(fields, "figures");
    }

    /** The error the process reported in its summary, or null. */
    String error() {
        return fields.get("error") instanceof String error ? error : null;
    }

    /** The number {@code name} of {@code map}, or 0. */
    static double number(Map<String, Object> map, String name) {
        return map.get(name) instanceof Number number ? number.doubleValue() : 0;
    }

    /** The integer {@code name} of {@code map}, or 0. */
    static long integer(Map<String, Object> map, String name) {
        return map.get(name) instanceof Number number ? number.longValue() : 0;
    }

    /** The object {@code name} of {@code map}, or an empty one. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Map<String, Object> map, String name) {
        return map.get(name) instanceof Map<?, ?> object ? (Map<String, Object>) object : Map.of();
    }
}
