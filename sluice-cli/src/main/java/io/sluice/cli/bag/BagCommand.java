package io.sluice.cli.bag;

import io.sluice.record.McapChannel;
import io.sluice.record.McapChunkIndex;
import io.sluice.record.McapCompression;
import io.sluice.record.McapFormatException;
import io.sluice.record.McapReader;
import io.sluice.record.McapRecovery;
import io.sluice.record.McapSchema;
import io.sluice.record.McapStatistics;
import io.sluice.record.McapWriterOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sluice bag info|recover}: what an MCAP recording holds, and a damaged one made whole. */
@Command(name = "bag", description = "Look into and repair MCAP recordings.", mixinStandardHelpOptions = true)
public final class BagCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("MMM d yyyy HH:mm:ss.SSS", Locale.ROOT)
        .withZone(ZoneOffset.UTC);

    private final PrintStream err;

    public BagCommand(PrintStream err) {
        this.err = err;
    }

    @Override
    public Integer call() {
        err.println("sluice bag: say what to do: info, recover, video or export (sluice bag --help)");
        return 2;
    }

    /** {@code sluice bag info FILE}, in the layout of {@code ros2 bag info}. */
    @Command(name = "info", description = "Show what a recording holds: duration, topics, types, counts.",
        mixinStandardHelpOptions = true)
    public static final class Info implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "an MCAP file")
        Path file;

        private final PrintStream out;
        private final PrintStream err;

        public Info(PrintStream out, PrintStream err) {
            this.out = out;
            this.err = err;
        }

        @Override
        public Integer call() {
            try (McapReader reader = McapReader.open(file)) {
                out.print(describe(reader, Files.size(file)));
                return 0;
            } catch (NoSuchFileException e) {
                err.println("sluice bag info: no such file: " + file);
                return 1;
            } catch (McapFormatException e) {
                err.println("sluice bag info: " + e.getMessage());
                return 1;
            } catch (IOException e) {
                err.println("sluice bag info: cannot read " + file + ": " + e.getMessage());
                return 1;
            }
        }
    }

    /** The text of {@code bag info} for an open reader. */
    static String describe(McapReader reader, long size) {
        McapStatistics statistics = reader.statistics().orElse(null);
        StringBuilder text = new StringBuilder();
        line(text, "Files", reader.path().getFileName().toString());
        line(text, "Bag size", String.format(Locale.ROOT, "%.1f MiB", size / 1048576.0));
        line(text, "Storage id", "mcap");
        line(text, "Profile", reader.profile() + " (written by " + reader.library() + ")");
        if (statistics != null && statistics.messageCount() > 0) {
            long start = statistics.messageStartTime();
            long end = statistics.messageEndTime();
            line(text, "Duration", String.format(Locale.ROOT, "%.3fs", (end - start) / 1e9));
            line(text, "Start", time(start));
            line(text, "End", time(end));
        }
        line(text, "Messages", statistics == null ? "(no statistics in the file)"
            : Long.toString(statistics.messageCount()));
        TreeSet<String> compressions = new TreeSet<>();
        for (McapChunkIndex chunk : reader.chunkIndexes()) {
            compressions.add(chunk.compression().isEmpty() ? "none" : chunk.compression());
        }
        line(text, "Chunks", reader.chunkIndexes().size() + (compressions.isEmpty() ? ""
            : " (compression: " + String.join(", ", compressions) + ")"));
        Map<Integer, Long> counts = statistics == null ? Map.of() : statistics.channelMessageCounts();
        String label = "Topic information";
        for (McapChannel channel : reader.channels().values()) {
            McapSchema schema = reader.schemas().get(channel.schemaId());
            line(text, label, "Topic: " + channel.topic() + " | Type: " + (schema == null ? "-" : schema.name())
                + " | Count: " + counts.getOrDefault(channel.id(), 0L) + " | Serialization Format: "
                + channel.messageEncoding());
            label = "";
        }
        return text.toString();
    }

    private static String time(long nanos) {
        return TIME.format(Instant.ofEpochSecond(0, nanos)) + String.format(Locale.ROOT, " (%d.%09d)",
            nanos / 1_000_000_000L, nanos % 1_000_000_000L);
    }

    private static void line(StringBuilder text, String label, String value) {
        text.append(String.format(Locale.ROOT, "%-19s%s%n", label.isEmpty() ? "" : label + ":", value));
    }

    /** {@code sluice bag recover FILE [-o OUT]}. */
    @Command(name = "recover", description = "Write what can be trusted of a damaged or unfinished recording as a"
        + " finished one: every complete chunk, and the complete messages of an uncompressed chunk cut short.",
        mixinStandardHelpOptions = true)
    public static final class Recover implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "the damaged or unfinished MCAP file")
        Path file;

        @Option(names = {"-o", "--output"}, paramLabel = "OUT",
            description = "the file to write (must not exist; default: FILE with .recovered.mcap)")
        Path output;

        @Option(names = "--compression", paramLabel = "none|zstd|lz4", defaultValue = "none",
            description = "how the new file's chunks are stored (default: ${DEFAULT-VALUE})")
        String compression;

        private final PrintStream out;
        private final PrintStream err;

        public Recover(PrintStream out, PrintStream err) {
            this.out = out;
            this.err = err;
        }

        @Override
        public Integer call() {
            McapCompression chunks = switch (compression) {
                case "none" -> McapCompression.NONE;
                case "zstd" -> McapCompression.ZSTD;
                case "lz4" -> McapCompression.LZ4;
                default -> null;
            };
            if (chunks == null) {
                err.println("sluice bag recover: unknown compression: compression=" + compression
                    + " (none, zstd or lz4)");
                return 2;
            }
            Path target = output != null ? output : file.resolveSibling(file.getFileName().toString()
                .replaceFirst("\\.mcap$", "") + ".recovered.mcap");
            try {
                McapRecovery.Report report = McapRecovery.recover(file, target,
                    McapWriterOptions.defaults().withCompression(chunks).withLibrary("sluice bag recover"));
                out.printf(Locale.ROOT, "wrote %s: %d message(s) from %d complete chunk(s)%s%s%s%n", target,
                    report.messages(), report.chunks(),
                    report.partialChunks() > 0 ? " and " + report.partialChunks() + " cut short" : "",
                    report.damagedChunks() + report.damagedRecords() > 0 ? "; left out as damaged: "
                        + report.damagedChunks() + " chunk(s), " + report.damagedRecords() + " record(s)" : "",
                    report.wasFinished() ? " (the file was finished already)"
                        : "; the old file ends early: " + report.stop());
                return 0;
            } catch (NoSuchFileException e) {
                err.println("sluice bag recover: no such file: " + e.getFile());
                return 1;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                err.println("sluice bag recover: the output exists already: " + e.getFile() + " (give -o)");
                return 1;
            } catch (IOException e) {
                err.println("sluice bag recover: " + e.getMessage());
                return 1;
            }
        }
    }
}
