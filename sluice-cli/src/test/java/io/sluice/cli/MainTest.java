package io.sluice.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest {
    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

    private int run(String... args) {
        try (PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
             PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8)) {
            return Main.run(args, out, err);
        }
    }

    @Test
    void shouldPrintUsageListingTheCommandsForHelpOrNoArguments() {
        assertEquals(0, run());
        assertEquals(0, run("help"));
        String usage = outBytes.toString(StandardCharsets.UTF_8);
        assertTrue(usage.contains("demo [--duration SECONDS] [--json]"), usage);
        assertTrue(usage.contains("bench"), usage);
        assertEquals("", errBytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void shouldRejectAnUnknownCommandWithUsageOnStandardError() {
        assertEquals(2, run("frobnicate"));
        String err = errBytes.toString(StandardCharsets.UTF_8);
        assertTrue(err.contains("command=frobnicate"), err);
        assertTrue(err.contains("usage: sluice"), err);
        assertEquals("", outBytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void shouldRejectBadDemoArgumentsWithoutStartingAnything() {
        assertEquals(2, run("demo", "--duration", "soon"));
        assertTrue(errBytes.toString(StandardCharsets.UTF_8).contains("usage: sluice demo"));
    }

    @Test
    void shouldRejectADemoProcessWithoutItsDomain() {
        assertEquals(2, run("demo-camera"));
    }
}
