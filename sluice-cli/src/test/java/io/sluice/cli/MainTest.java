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

    @Test
    void shouldCleanARootAndSayWhatItRemoved() throws Exception {
        java.nio.file.Path root = java.nio.file.Files.createTempDirectory(java.nio.file.Path.of("/dev/shm"),
            "sluice-test-clean-");
        try {
            // a domain directory whose participants are all gone: empty, so clean removes it
            try (io.sluice.Sluice sluice = io.sluice.Sluice.open("gone",
                    io.sluice.SluiceOptions.defaults().withRoot(root).withDomain(5))) {
                assertTrue(java.nio.file.Files.isDirectory(sluice.directory()));
            }
            assertEquals(0, run("clean", "--root", root.toString()));
            String out = outBytes.toString(StandardCharsets.UTF_8);
            assertTrue(out.contains("swept 1 domain(s)") && out.contains("1 empty domain directory"), out);
            try (var left = java.nio.file.Files.list(root)) {
                assertEquals(0, left.count(), "nothing left below the root");
            }
            assertEquals(2, run("clean", "--everything"));
            assertTrue(errBytes.toString(StandardCharsets.UTF_8).contains("argument=--everything"));
        } finally {
            java.nio.file.Files.deleteIfExists(root);
        }
    }
}
