package io.sluice.record;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.testing.NodePackage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An independent MCAP implementation to check Sluice's files with, and to write files for Sluice to read: the npm
 * packages {@code @mcap/core} and {@code @mcap/support} with {@code @foxglove/rosmsg2-serialization} for the CDR,
 * run as {@code node src/test/node/mcap-oracle.mjs} (what it prints is described at the top of that file). Without
 * node the calling test is skipped, with {@code CI=true} it fails ({@link NodePackage}).
 */
final class McapOracle {
    private static final long TIMEOUT_SECONDS = 120;
    private static final List<String> FILES = List.of("package.json", "package-lock.json", "mcap-oracle.mjs");
    private static final ObjectMapper JSON = new ObjectMapper();

    private McapOracle() {
    }

    /** What {@code @mcap/core} reads in {@code file}: header, schemas, channels, statistics, counts, messages. */
    static JsonNode check(Path file) {
        return run("check", file.toString());
    }

    /** Writes a ros2-profile file with {@code @mcap/core}'s writer; returns the messages it wrote. */
    static JsonNode write(Path file, String compression) {
        return run("write", file.toString(), compression);
    }

    private static JsonNode run(String... args) {
        NodePackage node = NodePackage.prepare("the MCAP oracle", "sluice-record", Path.of("target", "mcap-oracle"),
            FILES);
        List<String> command = new ArrayList<>(List.of(node.node().toString(), "mcap-oracle.mjs"));
        command.addAll(List.of(args));
        try {
            Path out = Files.createTempFile(node.work(), "oracle", ".out");
            Path err = Files.createTempFile(node.work(), "oracle", ".err");
            try {
                Process process = new ProcessBuilder(command).directory(node.work().toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    throw new AssertionError("the MCAP oracle took longer than " + TIMEOUT_SECONDS + " s: " + command
                        + "\n" + NodePackage.tail(err));
                }
                if (process.exitValue() != 0) {
                    throw new AssertionError("the MCAP oracle failed (exit " + process.exitValue() + "): " + command
                        + "\n" + NodePackage.tail(err));
                }
                return JSON.readTree(out.toFile());
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("running the MCAP oracle " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while the MCAP oracle ran", e);
        }
    }
}
