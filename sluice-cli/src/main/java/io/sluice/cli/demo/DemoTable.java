package io.sluice.cli.demo;

import java.util.Map;

/**
 * Renders the demo's figures as a plain-text table: one row for the camera, one per subscriber and topic (the
 * monitor's rows end with what it decoded from the topic's schema). Reads the structure of {@link DemoResult}'s JSON
 * ({@code camera}, and {@code subscribers} by role, then by topic).
 */
final class DemoTable {
    private static final String ROW = "%-11s %-20s %7s %8s %8s %9s %9s %9s %6s %9s %5s %6s  %s%n";

    private DemoTable() {
    }

    /**
     * The table under {@code title}; {@code camera} and {@code subscribers} as in the JSON summary (missing parts
     * render as dashes).
     */
    static String render(String title, Map<String, Object> camera, Map<String, Object> subscribers) {
        StringBuilder table = new StringBuilder();
        table.append(title).append(System.lineSeparator());
        table.append(String.format(ROW, "process", "topic", "frames", "rate Hz", "MB/s", "p50 us", "p99 us",
            "max us", "lost", "uncounted", "torn", "cpu %", "decoded"));
        table.append(cameraRow(camera));
        for (Map.Entry<String, Object> subscriber : subscribers.entrySet()) {
            Map<String, Object> figures = ChildReport.object(subscribers, subscriber.getKey());
            boolean first = true;
            for (DemoTopic topic : DemoTopic.values()) {
                Map<String, Object> topicFigures = ChildReport.object(figures, topic.topicName());
                Map<String, Object> latency = ChildReport.object(topicFigures, "latency_us");
                table.append(String.format(ROW,
                    first ? subscriber.getKey() : "",
                    topic.topicName(),
                    integer(topicFigures, "frames"),
                    decimal(topicFigures, "rate_hz", 2),
                    decimal(topicFigures, "mb_per_s", 1),
                    decimal(latency, "p50", 0),
                    decimal(latency, "p99", 0),
                    decimal(latency, "max", 0),
                    integer(topicFigures, "lost"),
                    integer(topicFigures, "uncounted"),
                    integer(topicFigures, "torn"),
                    first ? decimal(figures, "cpu_percent", 1) : "",
                    topicFigures.get("decoded_as") instanceof String decoded ? decoded : ""));
                first = false;
            }
        }
        table.append("camera latency columns: time to draw and publish one frame set; subscriber latency: "
            + "publish to take; cpu % of one core;").append(System.lineSeparator());
        table.append("decoded: a sample a second, decoded by the monitor from the schema the topic carries")
            .append(System.lineSeparator());
        return table.toString();
    }

    private static String cameraRow(Map<String, Object> camera) {
        Map<String, Object> frameSet = ChildReport.object(camera, "frame_set_us");
        return String.format(ROW, "camera", "(published)",
            integer(camera, "frames"),
            decimal(camera, "rate_hz", 2),
            decimal(camera, "mb_per_s", 1),
            decimal(frameSet, "p50", 0),
            decimal(frameSet, "p99", 0),
            decimal(frameSet, "max", 0),
            "", "", "",
            decimal(camera, "cpu_percent", 1),
            "");
    }

    private static String integer(Map<String, Object> figures, String name) {
        return figures.get(name) instanceof Number number ? Long.toString(number.longValue()) : "-";
    }

    private static String decimal(Map<String, Object> figures, String name, int decimals) {
        return figures.get(name) instanceof Number number
            ? String.format("%." + decimals + "f", number.doubleValue())
            : "-";
    }
}
