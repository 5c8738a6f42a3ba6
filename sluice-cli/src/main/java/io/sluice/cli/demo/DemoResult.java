package io.sluice.cli.demo;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of a demo run, assembled from the processes' summaries: the figures for the summary table and the
 * {@code --json} object, and the verdict. The run is ok when every process ran to its summary without error, every
 * subscriber received frames of every topic of the expected ROS 2 type, no frame was torn, out of order, or lost
 * without being counted, and the monitor decoded samples of every topic from the schema it carries. For the
 * recorder, which takes every frame, the frames it took plus those it counted lost must add up to what the camera
 * published: a shortfall is an uncounted loss at the end of the stream, an excess a loss counted that did not
 * happen.
 */
final class DemoResult {
    private final Map<String, Object> json = new LinkedHashMap<>();
    private final List<String> problems;

    private DemoResult(List<String> problems) {
        this.problems = problems;
    }

    /**
     * The result of a run of {@code durationSeconds} in {@code domain} by {@code children}, with
     * {@code earlierProblems} the orchestration ran into.
     */
    static DemoResult of(double durationSeconds, int domain, Path directory, boolean directoryRemoved,
                         List<ChildProcess> children, List<String> earlierProblems) {
        DemoResult result = new DemoResult(new ArrayList<>(earlierProblems));
        Map<String, Object> camera = new LinkedHashMap<>();
        Map<String, Object> subscribers = new LinkedHashMap<>();
        for (ChildProcess child : children) {
            ChildReport summary = result.checkProcess(child);
            if (child.role() == DemoRole.CAMERA) {
                camera.putAll(summary == null ? Map.of() : summary.figures());
                camera.put("cpu_percent", summary == null ? null : summary.cpuPercent());
            } else {
                subscribers.put(child.role().label(), result.subscriberFigures(child.role(), summary));
            }
        }
        if (camera.get("frames_published") instanceof Number published && published.longValue() > 0) {
            result.checkRecorder(ChildReport.object(subscribers, DemoRole.RECORDER.label()), published.longValue());
        } else {
            result.problems.add("camera published no frames");
        }
        if (!directoryRemoved) {
            result.problems.add("domain directory left behind: directory=" + directory);
        }
        result.json.put("duration_s", TopicStats.round(durationSeconds, 2));
        result.json.put("domain", domain);
        result.json.put("machine", machine());
        result.json.put("subscribers", subscribers);
        result.json.put("camera", camera);
        result.json.put("ok", result.problems.isEmpty());
        result.json.put("problems", result.problems);
        return result;
    }

    /** The camera and subscriber figures of the newest per-second reports, for the live table. */
    static Map<String, Object> live(List<ChildProcess> children) {
        Map<String, Object> live = new LinkedHashMap<>();
        Map<String, Object> camera = new LinkedHashMap<>();
        Map<String, Object> subscribers = new LinkedHashMap<>();
        for (ChildProcess child : children) {
            ChildReport report = child.lastReport();
            Map<String, Object> figures = new LinkedHashMap<>(report == null ? Map.of() : report.figures());
            if (report != null) {
                figures.put("cpu_percent", report.cpuPercent());
            }
            if (child.role() == DemoRole.CAMERA) {
                camera = figures;
            } else {
                subscribers.put(child.role().label(), figures);
            }
        }
        live.put("camera", camera);
        live.put("subscribers", subscribers);
        return live;
    }

    private ChildReport checkProcess(ChildProcess child) {
        String role = child.role().label();
        ChildReport summary = child.summary();
        if (summary == null) {
            problems.add(role + ": no summary (exitCode=" + child.exitCode() + ")");
        } else if (summary.error() != null) {
            problems.add(role + ": " + summary.error());
        }
        Integer exitCode = child.exitCode();
        if (summary != null && (exitCode == null || exitCode != 0)) {
            problems.add(role + ": exited abnormally (exitCode=" + exitCode + ")");
        }
        return summary;
    }

    private Map<String, Object> subscriberFigures(DemoRole role, ChildReport summary) {
        Map<String, Object> figures = new LinkedHashMap<>();
        for (DemoTopic topic : DemoTopic.values()) {
            Map<String, Object> topicFigures = new LinkedHashMap<>(summary == null ? Map.of()
                : ChildReport.object(summary.figures(), topic.topicName()));
            figures.put(topic.topicName(), topicFigures);
            if (summary != null) {
                checkTopic(role.label() + " " + topic.topicName(), topic, topicFigures);
            }
        }
        figures.put("cpu_percent", summary == null ? null : summary.cpuPercent());
        return figures;
    }

    /** The checks of one subscriber's figures on one topic. */
    private void checkTopic(String where, DemoTopic topic, Map<String, Object> figures) {
        if (ChildReport.integer(figures, "frames") == 0) {
            problems.add(where + ": received no frames");
        }
        if (figures.get("type") instanceof String type && !type.equals(topic.typeName())) {
            problems.add(where + ": the topic carries type=" + type + ", expected=" + topic.typeName());
        }
        long torn = ChildReport.integer(figures, "torn");
        if (torn > 0) {
            problems.add(where + ": " + torn + " frames torn (first: " + figures.get("first_torn") + ")");
        }
        countProblem(where, figures, "uncounted", "frames lost without being counted");
        countProblem(where, figures, "out_of_order", "frames out of order");
        if (figures.containsKey("decoded")) {
            if (ChildReport.integer(figures, "decoded") == 0) {
                problems.add(where + ": no sample decoded from the schema the topic carries");
            }
            long errors = ChildReport.integer(figures, "decode_errors");
            if (errors > 0) {
                problems.add(where + ": " + errors + " samples not decoded from the topic's schema (first: "
                    + figures.get("first_decode_error") + ")");
            }
        }
    }

    private void countProblem(String where, Map<String, Object> figures, String name, String description) {
        long count = ChildReport.integer(figures, name);
        if (count > 0) {
            problems.add(where + ": " + count + " " + description);
        }
    }

    /** Frames taken + counted lost + already found uncounted must equal frames published, topic by topic. */
    private void checkRecorder(Map<String, Object> recorder, long published) {
        for (DemoTopic topic : DemoTopic.values()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> figures = recorder.get(topic.topicName()) instanceof Map<?, ?> map
                ? (Map<String, Object>) map : null;
            if (figures == null || figures.isEmpty()) {
                continue; // no summary: already a problem
            }
            long accounted = ChildReport.integer(figures, "frames") + ChildReport.integer(figures, "lost")
                + ChildReport.integer(figures, "uncounted");
            String where = "recorder " + topic.topicName();
            if (accounted < published) {
                long missing = published - accounted;
                figures.put("uncounted", ChildReport.integer(figures, "uncounted") + missing);
                problems.add(where + ": " + missing + " frames at the end neither taken nor counted lost (published="
                    + published + ", accounted=" + accounted + ")");
            } else if (accounted > published) {
                problems.add(where + ": more frames taken or counted lost than published (published=" + published
                    + ", accounted=" + accounted + ")");
            }
        }
    }

    private static Map<String, Object> machine() {
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
            + System.getProperty("os.arch"));
        machine.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean system) {
            machine.put("memory_bytes", system.getTotalMemorySize());
        }
        return machine;
    }

    boolean ok() {
        return problems.isEmpty();
    }

    List<String> problems() {
        return problems;
    }

    /** The object {@code --json} prints. */
    Map<String, Object> json() {
        return json;
    }

    Map<String, Object> camera() {
        return ChildReport.object(json, "camera");
    }

    Map<String, Object> subscribers() {
        return ChildReport.object(json, "subscribers");
    }
}
