package io.sluice.bench.cli;

import io.sluice.cli.CommandProvider;
import io.sluice.cli.Main;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code sluice bench} is found through ServiceLoader when sluice-bench is on the class path. */
class BenchProviderTest {
    @Test
    void shouldBeFoundThroughServiceLoader() {
        assertTrue(ServiceLoader.load(CommandProvider.class).stream()
            .anyMatch(provider -> provider.type() == BenchProvider.class));
    }

    @Test
    void shouldRunSluiceBenchThroughTheCommand() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"bench", "--help"}, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        String usage = out.toString(StandardCharsets.UTF_8);
        assertTrue(usage.contains("latency") && usage.contains("peers"), usage);
        assertFalse(err.toString(StandardCharsets.UTF_8).contains("not in this build"));
    }

    @Test
    void shouldCompleteTheBenchOptionsInTheBashScript() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        assertEquals(0, Main.run(new String[] {"completion"}, print, print));
        String script = out.toString(StandardCharsets.UTF_8);
        for (String option : new String[] {"--warmup-count", "--subscribers", "--update-docs", "--from-json"}) {
            assertTrue(script.contains(option), option + " in the completion script");
        }
        assertTrue(script.contains("(\"spin\" \"block\" \"backoff\") # --wait values"), "--wait's values");
    }
}
