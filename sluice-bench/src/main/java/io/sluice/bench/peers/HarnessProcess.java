package io.sluice.bench.peers;

import io.sluice.cli.json.Json;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One process of a measurement: started with its stderr going to a log file, its stdout read line by line for the
 * {@code READY}, {@code RESULT {...}} and {@code ERROR ...} lines of {@code sluice-bench/peers/PROTOCOL.md}. Closing it
 * kills it and everything it started, whatever state it is in.
 */
final class HarnessProcess implements AutoCloseable {
    /** What a harness reported last: figures, or why it has none. */
    record Outcome(String status, String reason, Map<String, Double> values) {
        static Outcome failed(String reason) {
            return new Outcome(Measurement.FAILED, reason, Map.of());
        }
    }

    private static final String EOF = "\u0000eof";

    private final String name;
    private final Process process;
    private final Path log;
    private final String readyMarker;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private HarnessProcess(String name, Process process, Path log, String readyMarker) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.readyMarker = readyMarker;
        Thread.ofPlatform().daemon().name("peers-" + name).start(this::pump);
    }

    static HarnessProcess start(String name, List<String> command, Path log, Map<String, String> environment) {
        return start(name, command, log, environment, "READY");
    }

    /**
     * Starts {@code command}; a stdout line that contains {@code readyMarker} counts as its {@code READY} (for a
     * program that is not a harness, such as RouDi).
     */
    static HarnessProcess start(String name, List<String> command, Path log, Map<String, String> environment,
                                String readyMarker) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(false)
            .redirectError(ProcessBuilder.Redirect.to(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.PIPE);
        builder.environment().putAll(environment);
        try {
            return new HarnessProcess(name, builder.start(), log, readyMarker);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name + ": " + command.getFirst() + ": " + e.getMessage(),
                e);
        }
    }

    private void pump() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("RESULT ") || line.startsWith("ERROR")) {
                    lines.add(line);
                } else if (line.equals("READY") || (!readyMarker.equals("READY") && line.contains(readyMarker))) {
                    lines.add("READY");
                }
            }
        } catch (IOException e) {
            // the process went away: EOF below
        }
        lines.add(EOF);
    }

    /**
     * Waits for {@code READY}; returns null when it came, else the outcome that stopped it (an ERROR line, the
     * process's exit, or the deadline).
     */
    Outcome awaitReady(long deadlineNanos) {
        String line = next(deadlineNanos);
        if (line != null && line.equals("READY")) {
            return null;
        }
        return outcomeOf(line, "READY");
    }

    /** Waits for the {@code RESULT} or {@code ERROR} line. */
    Outcome awaitResult(long deadlineNanos) {
        String line;
        do {
            line = next(deadlineNanos);
        } while (line != null && line.equals("READY"));
        return outcomeOf(line, "RESULT");
    }

    private String next(long deadlineNanos) {
        try {
            long left = deadlineNanos - System.nanoTime();
            String line = left <= 0 ? lines.poll() : lines.poll(left, TimeUnit.NANOSECONDS);
            if (line == EOF) {
                lines.add(EOF); // stays at the end for later calls
            }
            return line;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private Outcome outcomeOf(String line, String expected) {
        if (line == null) {
            return Outcome.failed(name + ": no " + expected + " in time (log: " + log.getFileName() + ")");
        }
        if (line == EOF) {
            int exit = exitCode();
            return Outcome.failed(name + ": exited (" + exit + ") without " + expected + lastLogLine());
        }
        if (line.startsWith("ERROR unsupported:")) {
            return new Outcome(Measurement.UNSUPPORTED, line.substring("ERROR unsupported:".length()).trim(),
                Map.of());
        }
        if (line.startsWith("ERROR")) {
            return Outcome.failed(name + ": " + line.substring("ERROR".length()).trim());
        }
        try {
            Map<String, Object> object = Json.parseObject(line.substring("RESULT ".length()));
            Map<String, Double> values = new HashMap<>();
            object.forEach((key, value) -> {
                if (value instanceof Number number) {
                    values.put(key, number.doubleValue());
                }
            });
            return new Outcome(Measurement.OK, "", values);
        } catch (RuntimeException e) {
            return Outcome.failed(name + ": unreadable RESULT line: " + e.getMessage());
        }
    }

    private int exitCode() {
        try {
            return process.waitFor(5, TimeUnit.SECONDS) ? process.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private String lastLogLine() {
        try {
            List<String> text = Files.readAllLines(log, StandardCharsets.UTF_8);
            for (int i = text.size() - 1; i >= 0; i--) {
                if (!text.get(i).isBlank()) {
                    String line = text.get(i).strip();
                    return ": " + (line.length() > 200 ? line.substring(0, 200) + "..." : line);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // no log to quote
        }
        return "";
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits up to {@code millis} for the process to exit on its own. */
    boolean waitForExit(long millis) {
        try {
            return process.waitFor(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Terminates the process and its descendants: SIGTERM, then SIGKILL after 2 s. */
    @Override
    public void close() {
        close(2_000);
    }

    /** Terminates the process and its descendants: SIGTERM, then SIGKILL after {@code graceMillis}. */
    void close(long graceMillis) {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        for (ProcessHandle handle : all) {
            handle.destroy();
        }
        long deadline = System.nanoTime() + graceMillis * 1_000_000L;
        for (ProcessHandle handle : all) {
            try {
                long left = Math.max(1, deadline - System.nanoTime());
                handle.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                handle.destroyForcibly();
            }
        }
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // already gone
        }
    }
}
