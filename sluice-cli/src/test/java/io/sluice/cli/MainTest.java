package io.sluice.cli;

import io.sluice.record.McapReader;
import io.sluice.record.McapWriter;
import io.sluice.record.McapWriterOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest {
    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

    @TempDir
    Path dir;

    private int run(String... args) {
        outBytes.reset();
        errBytes.reset();
        try (PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
             PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8)) {
            return Main.run(args, out, err);
        }
    }

    private String out() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldPrintUsageListingTheCommandsForHelpOrNoArguments() {
        for (String[] asked : new String[][] {{}, {"help"}, {"--help"}}) {
            assertEquals(0, run(asked));
            for (String command : new String[] {"demo", "bench", "torture", "clean", "bag", "completion"}) {
                assertTrue(out().contains("  " + command + " "), command + " in\n" + out());
            }
            assertEquals("", err());
        }
        assertEquals(0, run("--version"));
        assertTrue(out().startsWith("sluice "), out());
    }

    @Test
    void shouldRejectAnUnknownCommandInOneLineWithExitCode2() {
        assertEquals(2, run("frobnicate"));
        assertEquals("sluice: unknown command: frobnicate (sluice --help)", err().strip());
        assertEquals("", out());
    }

    @Test
    void shouldSayBenchIsNotInThisBuildWithoutSluiceBench() {
        // sluice-cli's own class path has no sluice-bench: ServiceLoader finds no provider of bench
        assertEquals(1, run("bench", "latency", "--quick"));
        assertEquals(Main.BenchMissing.MESSAGE, err().strip());
        assertEquals("", out());
    }

    @Test
    void shouldAddTheCommandsProvidersContribute() {
        CommandProvider hello = new CommandProvider() {
            @Override
            public String name() {
                return "hello";
            }

            @Override
            public picocli.CommandLine command(PrintStream out, PrintStream err) {
                return new picocli.CommandLine(new Hello(out));
            }
        };
        picocli.CommandLine line = new picocli.CommandLine(new Hello(System.out));
        Main.addProvided(line, java.util.List.of(hello), System.out, System.err);
        assertTrue(line.getSubcommands().containsKey("hello"));
        assertTrue(line.getSubcommands().get("bench").getCommand() instanceof Main.BenchMissing);
    }

    @picocli.CommandLine.Command(name = "hello")
    private record Hello(PrintStream out) implements Runnable {
        @Override
        public void run() {
            out.println("hello");
        }
    }

    @Test
    void shouldRejectBadDemoArgumentsWithoutStartingAnything() {
        assertEquals(2, run("demo", "--duration", "soon"));
        assertEquals("sluice demo: Invalid value for option '--duration': 'soon' is not a double"
            + " (sluice demo --help)", err().strip());
    }

    @Test
    void shouldRejectADemoProcessWithoutItsDomain() {
        assertEquals(2, run("demo-camera"));
    }

    @Test
    void shouldCleanARootAndSayWhatItRemoved() throws Exception {
        Path root = Files.createTempDirectory(Path.of("/dev/shm"), "sluice-test-clean-");
        try {
            // a domain directory whose participants are all gone: empty, so clean removes it
            try (io.sluice.Sluice sluice = io.sluice.Sluice.open("gone",
                    io.sluice.SluiceOptions.defaults().withRoot(root).withDomain(5))) {
                assertTrue(Files.isDirectory(sluice.directory()));
            }
            assertEquals(0, run("clean", "--root", root.toString()));
            assertTrue(out().contains("swept 1 domain(s)") && out().contains("1 empty domain directory"), out());
            try (var left = Files.list(root)) {
                assertEquals(0, left.count(), "nothing left below the root");
            }
            assertEquals(2, run("clean", "--everything"));
            assertEquals("sluice clean: Unknown option: '--everything' (sluice clean --help)", err().strip());
            assertEquals(1, run("clean", "--root", root.resolve("missing").toString()));
            assertTrue(err().contains("not a directory"), err());
        } finally {
            Files.deleteIfExists(root);
        }
    }

    private Path recording(String name, boolean finish) throws Exception {
        Path file = dir.resolve(name);
        McapWriter writer = McapWriter.create(file, McapWriterOptions.defaults().withChunkSize(64));
        int schema = writer.schema("std_msgs/msg/String", "ros2msg", "string data\n".getBytes(StandardCharsets.UTF_8));
        int channel = writer.channel("/chatter", schema, "cdr", Map.of());
        for (int i = 0; i < 3; i++) {
            writer.write(channel, i, 1_765_000_000_000_000_000L + i * 500_000_000L, 0, new byte[40]);
        }
        if (finish) {
            writer.close();
        } else {
            writer.abandon(); // as a killed recorder leaves it
        }
        return file;
    }

    @Test
    void shouldDescribeARecordingAsRos2BagInfoDoes() throws Exception {
        Path file = recording("run.mcap", true);
        assertEquals(0, run("bag", "info", file.toString()));
        assertTrue(out().contains("Messages:          3"), out());
        assertTrue(out().contains("Duration:          1.000s"), out());
        assertTrue(out().contains("Topic: /chatter | Type: std_msgs/msg/String | Count: 3 | Serialization Format: cdr"),
            out());
        assertEquals(1, run("bag", "info", dir.resolve("none.mcap").toString()));
        assertEquals("sluice bag info: no such file: " + dir.resolve("none.mcap"), err().strip());
        assertEquals(2, run("bag", "info"));
        assertTrue(err().startsWith("sluice bag info: Missing required parameter: 'FILE'"), err());
    }

    @Test
    void shouldRecoverAnUnfinishedRecordingIntoAFinishedOne() throws Exception {
        Path file = recording("killed.mcap", false);
        assertEquals(1, run("bag", "info", file.toString()));
        assertTrue(err().contains("not finished"), err());
        assertEquals(0, run("bag", "recover", file.toString()));
        Path recovered = dir.resolve("killed.recovered.mcap");
        assertTrue(out().startsWith("wrote " + recovered + ": 3 message(s)"), out());
        try (McapReader reader = McapReader.open(recovered)) {
            assertEquals(3, reader.statistics().orElseThrow().messageCount());
        }
        assertEquals(1, run("bag", "recover", file.toString()));
        assertTrue(err().contains("exists already"), err());
        assertEquals(2, run("bag", "recover", file.toString(), "-o", dir.resolve("x.mcap").toString(),
            "--compression", "rar"));
    }

    @Test
    void shouldWriteABashCompletionScript() {
        assertEquals(0, run("completion"));
        assertTrue(out().contains("complete -F") && out().contains("sluice"), out());
    }
}
