package io.sluice.bench.cli;

import io.sluice.cli.json.Json;
import io.sluice.cli.ShmLease;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One short {@code sluice bench executor --quick} run with real child JVMs. It checks behaviour only — every
 * scenario and every executor has a row with numbers, the goals are judged, the domain is cleaned — never speed
 * or loss, which depend on the machine.
 */
class ExecutorRunTest {
    private static final Set<String> SHM_EXECUTORS = Set.of("event-loop", "polling-point", "multi-threaded");

    /** The run's default domain directory, leased so that it goes if this JVM is killed midway (see ShmLease). */
    private ShmLease domain;

    @BeforeEach
    void leaseDomain() {
        domain = ShmLease.of(ShmLease.domainDirectory(50000 + (int) (ProcessHandle.current().pid() % 10000)));
    }

    @AfterEach
    void releaseDomain() {
        domain.close();
    }

    @Test
    @Timeout(180)
    void shouldReportEveryScenarioAndExecutorOfAQuickRun() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = BenchCommand.run(new String[] {"executor", "--quick", "--duration", "200ms", "--warmup",
            "100ms", "--json"}, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        String text = out.toString(StandardCharsets.UTF_8).trim();
        assertEquals(0, status, text);
        assertTrue(text.startsWith("{") && text.endsWith("}") && text.lines().count() == 1, text);
        @SuppressWarnings("unchecked")
        Map<String, Object> report = (Map<String, Object>) Json.parse(text);
        assertEquals("executor", report.get("benchmark"));
        Map<String, Object> settings = map(report.get("settings"));
        assertEquals(Boolean.TRUE, settings.get("quick"));
        assertEquals(200L, settings.get("duration_ms"));
        assertTrue(map(report.get("machine")).containsKey("cores"));

        List<Map<String, Object>> cpu = list(report.get("cpu"));
        for (int publishers : ExecutorRun.QUICK_PUBLISHERS) {
            for (long rate : ExecutorRun.QUICK_RATES_HZ) {
                List<Map<String, Object>> point = cpu.stream()
                    .filter(row -> number(row, "publishers") == publishers && number(row, "rate_hz") == rate)
                    .toList();
                assertEquals(SHM_EXECUTORS, executors(point, "shm"), publishers + "x" + rate);
                assertEquals(Set.of("event-loop", "disruptor"), executors(point, "in-process"),
                    publishers + "x" + rate);
                for (Map<String, Object> row : point) {
                    assertTrue(number(row, "cpu_percent") >= 0, row.toString());
                    assertTrue(number(row, "delivered_msgs_per_s") >= 0, row.toString());
                    assertTrue(number(row, "published_msgs_per_s") >= 0, row.toString());
                    assertEquals(0.0, number(row, "errors"), row.toString());
                }
            }
        }
        // a window of 200 ms may see nothing on a stalled machine; over the whole grid every consumer delivers
        for (String executor : Set.of("event-loop", "polling-point", "multi-threaded", "disruptor")) {
            double delivered = cpu.stream().filter(row -> executor.equals(row.get("executor")))
                .mapToDouble(row -> number(row, "delivered_msgs_per_s")).sum();
            assertTrue(delivered > 0, executor + " delivered nothing at any point");
        }
        assertEquals(ExecutorRun.QUICK_PUBLISHERS.length * ExecutorRun.QUICK_RATES_HZ.length,
            list(report.get("cpu_ratios")).size());

        List<Map<String, Object>> fanout = list(report.get("fanout"));
        for (int subscribers : ExecutorRun.QUICK_FANOUT_SUBSCRIBERS) {
            List<Map<String, Object>> point = fanout.stream()
                .filter(row -> number(row, "subscribers") == subscribers).toList();
            assertEquals(SHM_EXECUTORS, point.stream().map(row -> (String) row.get("executor"))
                .collect(Collectors.toSet()));
            for (Map<String, Object> row : point) {
                assertTrue(number(row, "delivered") > 0, row.toString());
                assertTrue(number(row, "lost") >= 0, row.toString());
                assertTrue(number(row, "max_ns") >= number(row, "p99_ns"), row.toString());
                assertTrue(number(row, "p99_ns") >= number(row, "p50_ns"), row.toString());
                assertEquals(0.0, number(row, "errors"), row.toString());
            }
        }

        List<Map<String, Object>> throughput = list(report.get("throughput"));
        assertEquals(4, throughput.size());
        for (Map<String, Object> row : throughput) {
            assertTrue(number(row, "median_msgs_per_s") > 0, row.toString());
            assertEquals(ExecutorRun.REPEATS, list(row.get("runs_msgs_per_s")).size());
        }
        assertEquals(Set.of("event-loop", "disruptor"), throughput.stream()
            .map(row -> (String) row.get("executor")).collect(Collectors.toSet()));

        List<Map<String, Object>> goals = list(report.get("goals"));
        assertEquals(4, goals.size());
        for (Map<String, Object> goal : goals) {
            assertInstanceOf(String.class, goal.get("detail"));
        }
        assertDomainCleaned(((Number) settings.get("domain")).intValue());
    }

    @Test
    @Timeout(60)
    void shouldKeepADriftFreeScheduleAcrossPublishers() {
        PublishSchedule schedule = new PublishSchedule(4, 200);
        long[] perPublisher = new long[4];
        long[] lastSequence = {-1, -1, -1, -1};
        long[] lastIndex = {-1};
        long[] lastDue = {Long.MIN_VALUE};
        long start = System.nanoTime();
        schedule.run((publisher, sequence, due) -> {
            // message j of the schedule goes to publisher j % 4 as its (j / 4)-th: the global order is kept, and
            // a stall that makes the schedule skip deadlines skips whole messages, never reorders them
            long index = sequence * 4 + publisher;
            assertTrue(index > lastIndex[0], "message " + index + " after " + lastIndex[0]);
            assertTrue(sequence > lastSequence[publisher], "publisher " + publisher + " went back");
            assertTrue(due > lastDue[0], "deadlines increase");
            lastIndex[0] = index;
            lastSequence[publisher] = sequence;
            lastDue[0] = due;
            perPublisher[publisher]++;
        }, () -> System.nanoTime() - start > 300_000_000L);
        assertTrue(schedule.published() > 0, "something was published");
        if (schedule.skipped() == 0) {
            // taking turns: no publisher more than one ahead of another
            for (long count : perPublisher) {
                assertTrue(Math.abs(count - perPublisher[0]) <= 1, java.util.Arrays.toString(perPublisher));
            }
        }
    }

    private static Set<String> executors(List<Map<String, Object>> rows, String transport) {
        return rows.stream().filter(row -> transport.equals(row.get("transport")))
            .map(row -> (String) row.get("executor")).collect(Collectors.toSet());
    }

    private static double number(Map<String, Object> row, String key) {
        Object value = row.get(key);
        assertInstanceOf(Number.class, value, key + " in " + row);
        return ((Number) value).doubleValue();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object value) {
        return (List<Map<String, Object>>) value;
    }

    private static void assertDomainCleaned(int domain) throws Exception {
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        Path directory = Path.of("/dev/shm", "sluice-" + uid + "-" + domain);
        assertFalse(Files.exists(directory), "domain directory left behind: " + directory);
    }
}
