package io.sluice.bench.cli;

import io.sluice.WaitStrategy;
import io.sluice.cli.json.Json;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchOptionsTest {

    @Test
    void shouldParseSizesInPowersOf1024() {
        assertEquals(64, BenchOptions.parseSize("64B"));
        assertEquals(64, BenchOptions.parseSize("64"));
        assertEquals(1024, BenchOptions.parseSize("1KB"));
        assertEquals(1024, BenchOptions.parseSize("1kb"));
        assertEquals(1L << 20, BenchOptions.parseSize("1MB"));
        assertEquals(8L << 20, BenchOptions.parseSize("8MB"));
        assertEquals(44L << 20, BenchOptions.parseSize("44MB"));
        assertEquals(1L << 30, BenchOptions.parseSize("1GB"));
    }

    @Test
    void shouldRejectABadSizeNamingTheValue() {
        for (String bad : List.of("12XB", "MB", "1.5MB", "-1KB", "", "2GB", "8B", "99999999999KB")) {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> BenchOptions.parse(new String[] {"latency", "--size", bad}), bad);
            assertTrue(error.getMessage().contains("size"), error.getMessage());
            assertTrue(error.getMessage().contains("size=" + bad), error.getMessage());
        }
    }

    @Test
    void shouldExitWithStatus2AndAClearMessageInOneLineOnABadSize() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = BenchCommand.run(new String[] {"latency", "--size", "12XB"},
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, status);
        assertEquals("", out.toString(StandardCharsets.UTF_8));
        assertEquals("sluice bench latency: Invalid value for option '--size': size must be a whole number with unit"
            + " B, KB, MB or GB (KB=1024), e.g. 64B, 1KB, 44MB: size=12XB (sluice bench latency --help)",
            err.toString(StandardCharsets.UTF_8).strip());
    }

    @Test
    void shouldRejectAMissingModeOrAnUnknownOneInOneLine() {
        String[][] cases = {{}, {"lateny"}, {"latency", "--frobnicate"}, {"executor", "--count", "5"}};
        for (String[] bad : cases) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = BenchCommand.run(bad, new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            String message = err.toString(StandardCharsets.UTF_8);
            assertEquals(2, status, message);
            assertTrue(message.startsWith("sluice bench") && message.strip().endsWith("--help)")
                && message.strip().lines().count() == 1, message);
        }
    }

    @Test
    void shouldTakeDefaultsPerMode() {
        BenchOptions latency = BenchOptions.parse(new String[] {"latency"});
        assertEquals(64, latency.size());
        assertEquals(1, latency.subscribers());
        assertFalse(latency.touch());
        assertEquals(WaitStrategy.spin(), latency.waitStrategy());
        assertEquals(4, latency.effectiveSlots());
        assertFalse(latency.isChild());
        BenchOptions idle = BenchOptions.parse(new String[] {"idle"});
        assertEquals(WaitStrategy.block(), idle.waitStrategy());
        assertEquals(Duration.ofSeconds(10), idle.duration());
        assertEquals(Duration.ofSeconds(2), idle.warmup());
    }

    @Test
    void shouldParseEveryOption() {
        BenchOptions options = BenchOptions.parse(new String[] {"throughput", "--size", "1KB", "--subscribers", "3",
            "--touch", "--wait", "block", "--count", "1000", "--warmup=500ms", "--warmup-count", "10", "--slots",
            "32", "--json", "--domain", "51234"});
        assertEquals(BenchOptions.Mode.THROUGHPUT, options.mode());
        assertEquals(1024, options.size());
        assertEquals(3, options.subscribers());
        assertTrue(options.touch());
        assertEquals(WaitStrategy.block(), options.waitStrategy());
        assertEquals(1000, options.count());
        assertEquals(Duration.ofMillis(500), options.warmup());
        assertEquals(10, options.warmupCount());
        assertEquals(32, options.effectiveSlots());
        assertTrue(options.json());
        assertEquals(51234, options.domain());
    }

    @Test
    void shouldChooseThroughputSlotsBySize() {
        assertEquals(512, BenchOptions.parse(new String[] {"throughput", "--size", "64B"}).effectiveSlots());
        assertEquals(64, BenchOptions.parse(new String[] {"throughput", "--size", "1KB"}).effectiveSlots());
        assertEquals(16, BenchOptions.parse(new String[] {"throughput", "--size", "8MB"}).effectiveSlots());
        assertEquals(8, BenchOptions.parse(new String[] {"throughput", "--size", "44MB"}).effectiveSlots());
    }

    @Test
    void shouldRejectUnknownModesOptionsAndValues() {
        Map<String[], String> cases = Map.of(
            new String[] {"lateny"}, "'lateny'",
            new String[] {"latency", "--frobnicate"}, "'--frobnicate'",
            new String[] {"latency", "--wait", "sleep"}, "wait=sleep",
            new String[] {"latency", "--duration", "ten"}, "duration=ten",
            new String[] {"latency", "--subscribers", "0"}, "subscribers=0",
            new String[] {"latency", "--subscribers"}, "'--subscribers'",
            new String[] {"latency", "--duration", "1s", "--count", "5"}, "exclude each other");
        cases.forEach((args, expected) -> {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> BenchOptions.parse(args));
            assertTrue(error.getMessage().contains(expected), error.getMessage());
        });
    }

    @Test
    void shouldGiveChildrenTheSameOptions() {
        BenchOptions options = BenchOptions.parse(new String[] {"latency", "--size", "8MB", "--touch", "--wait",
            "block", "--subscribers", "2", "--count", "50", "--warmup-count", "5"});
        BenchOptions child = BenchOptions.parse(options.childArguments(LatencyRun.ROLE, 1, 51000)
            .toArray(String[]::new));
        assertEquals(options.size(), child.size());
        assertEquals(options.touch(), child.touch());
        assertEquals(options.waitStrategy(), child.waitStrategy());
        assertEquals(options.subscribers(), child.subscribers());
        assertEquals(options.count(), child.count());
        assertEquals(options.warmupCount(), child.warmupCount());
        assertEquals(options.effectiveSlots(), child.effectiveSlots());
        assertEquals(51000, child.domain());
        assertEquals(LatencyRun.ROLE, child.role());
        assertEquals(1, child.childIndex());
        assertTrue(child.isChild());
    }

    @Test
    void shouldParseTheExecutorModeWithItsDefaults() {
        BenchOptions executor = BenchOptions.parse(new String[] {"executor"});
        assertEquals(BenchOptions.Mode.EXECUTOR, executor.mode());
        assertFalse(executor.quick());
        assertEquals(Duration.ofSeconds(2), executor.duration());
        assertEquals(Duration.ofSeconds(1), executor.warmup());
        assertEquals(WaitStrategy.block(), executor.waitStrategy());
        assertEquals("", executor.childSpec());
    }

    @Test
    void shouldShortenTheExecutorRunWithQuickUnlessTimesAreGiven() {
        BenchOptions quick = BenchOptions.parse(new String[] {"executor", "--quick", "--json"});
        assertTrue(quick.quick());
        assertTrue(quick.json());
        assertEquals(Duration.ofMillis(500), quick.duration());
        assertEquals(Duration.ofMillis(300), quick.warmup());
        BenchOptions given = BenchOptions.parse(new String[] {"executor", "--quick", "--duration", "200ms",
            "--warmup=100ms"});
        assertEquals(Duration.ofMillis(200), given.duration());
        assertEquals(Duration.ofMillis(100), given.warmup());
    }

    @Test
    void shouldRejectCountsInTheExecutorModeAndQuickElsewhere() {
        Map<String[], String> cases = Map.of(
            new String[] {"executor", "--count", "100"}, "count=100",
            new String[] {"executor", "--warmup-count", "10"}, "warmupCount=10",
            new String[] {"latency", "--quick"}, "mode=latency");
        cases.forEach((args, expected) -> {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> BenchOptions.parse(args));
            assertTrue(error.getMessage().contains(expected), error.getMessage());
        });
    }

    @Test
    void shouldCarryTheChildSpecOfAnExecutorChild() {
        BenchOptions child = BenchOptions.parse(new String[] {"executor", "--domain", "51000", "--role",
            ExecutorRun.CPU_PUBLISHER_ROLE, "--child-spec", "prefix=/bench/exec/cpu_0,publishers=4,rate=100"});
        assertTrue(child.isChild());
        Map<String, String> spec = ExecutorRun.spec(child.childSpec());
        assertEquals("/bench/exec/cpu_0", spec.get("prefix"));
        assertEquals("4", spec.get("publishers"));
        assertEquals("100", spec.get("rate"));
        assertThrows(IllegalArgumentException.class, () -> ExecutorRun.spec("nonsense"));
    }

    @Test
    void shouldListTheModesAndTheirOptionsInTheHelp() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        assertEquals(0, BenchCommand.run(new String[] {"--help"}, print, print));
        for (String mode : List.of("latency", "throughput", "idle", "executor", "peers")) {
            assertTrue(out.toString(StandardCharsets.UTF_8).contains("  " + mode + " "), mode + " in " + out);
        }
        String usage = out.toString(StandardCharsets.UTF_8);
        out.reset();
        assertEquals(0, BenchCommand.run(new String[] {"help"}, print, print));
        assertEquals(usage, out.toString(StandardCharsets.UTF_8), "sluice bench help: the same usage");
        out.reset();
        assertEquals(0, BenchCommand.run(new String[] {"latency", "--help"}, print, print));
        for (String option : List.of("--size", "--subscribers", "--touch", "--wait", "--duration", "--count",
            "--warmup", "--warmup-count", "--slots", "--domain", "--json")) {
            assertTrue(out.toString(StandardCharsets.UTF_8).contains(option), option + " in " + out);
        }
        assertFalse(out.toString(StandardCharsets.UTF_8).contains("--role"), "hidden options stay hidden");
    }

    @Test
    void shouldFormatSizesAsTheUserWritesThem() {
        assertEquals("64B", BenchOptions.formatSize(64));
        assertEquals("1KB", BenchOptions.formatSize(1024));
        assertEquals("44MB", BenchOptions.formatSize(44L << 20));
        assertEquals("1000B", BenchOptions.formatSize(1000));
    }

    @Test
    void shouldWriteValidJson() {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("text", "a\"b\\c\n\u0001");
        object.put("number", 1.5);
        object.put("nan", Double.NaN);
        object.put("list", List.of(1, "two", Map.of()));
        String json = Json.compact(object);
        @SuppressWarnings("unchecked")
        Map<String, Object> parsed = (Map<String, Object>) Json.parse(json);
        assertEquals("a\"b\\c\n\u0001", parsed.get("text"));
        assertEquals(1.5, parsed.get("number"));
        assertTrue(parsed.containsKey("nan"));
        assertEquals(null, parsed.get("nan"));
        assertEquals(3, ((List<?>) parsed.get("list")).size());
    }
}
