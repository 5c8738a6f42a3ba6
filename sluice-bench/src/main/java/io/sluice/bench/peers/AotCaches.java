package io.sluice.bench.peers;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Ahead-of-time caches (Java 25: JEP 483, 514, 515) for the Java harnesses, as a user deploys a subscriber process:
 * one short training run records which classes the process loads and links and how its methods behave, and every
 * later JVM started with the cache finds them loaded, linked and profiled, so that the JIT compiles the hot path
 * within its first frames instead of over its first half minute at 30 frames a second (docs/PERFORMANCE.md,
 * "Where a subscriber's time goes").
 *
 * <p>Per Java transport (Sluice, each Aeron variant, JeroMQ), before the measurements: a training measurement with
 * {@code -XX:AOTMode=record} (a fan-out to one sink, or a throughput run at 1 KiB for the busy-polling peers that
 * stay out of fan-out), one configuration for the receiving process and one for the sending one; then
 * {@code -XX:AOTMode=create} makes a cache of each. Every later process of that transport starts with
 * {@code -XX:AOTCache} of its side. Every Java peer gets the same treatment. A cache that cannot be made leaves its
 * transport without one, and the report says so; a JVM that cannot use a cache runs without it.
 */
final class AotCaches {
    /** The training of a peer that runs fan-out: one sink, 8 MiB at 60 Hz. */
    private static final Point FANOUT = new Point(Measurement.FANOUT, Point.FANOUT_SIZE, false, 1, 60, 2, 6);
    private static final Point FANOUT_QUICK = new Point(Measurement.FANOUT, Point.FANOUT_SIZE, false, 1, 60, 0.5, 1.5);
    /** The training of a busy-polling peer: throughput at 1 KiB (Aeron's {@code tryClaim} takes at most 1376 B). */
    private static final Point THROUGHPUT = new Point(Measurement.THROUGHPUT, Point.KIB, false, 1, 0, 1, 3);
    private static final Point THROUGHPUT_QUICK = new Point(Measurement.THROUGHPUT, Point.KIB, false, 1, 0, 0.3, 0.7);
    private static final long CREATE_SECONDS = 180;

    private AotCaches() {
    }

    /**
     * Trains and creates the caches of every Java transport among {@code launchers}; returns the launchers with their
     * caches (the others as they were), and adds to {@code notes} what could not be made.
     */
    static List<PeerLauncher> train(PeersRun run, List<PeerLauncher> launchers, Path dir, boolean quick,
                                    PrintStream progress, List<String> notes) {
        Map<String, PeerLauncher> trainers = new LinkedHashMap<>();
        for (PeerLauncher launcher : launchers) {
            if (launcher.java() && launcher.extraKeys().isEmpty()) { // not the primed one: its 20,000 are not a user's
                trainers.putIfAbsent(key(launcher), launcher);
            }
        }
        Map<String, List<List<String>>> caches = new LinkedHashMap<>();
        try {
            PeersRun.deleteTree(dir);
            Files.createDirectories(dir);
        } catch (IOException e) {
            notes.add("No AOT caches: cannot make " + dir + ": " + e.getMessage());
            return launchers;
        }
        for (Map.Entry<String, PeerLauncher> entry : trainers.entrySet()) {
            long started = System.nanoTime();
            String outcome = trainOne(run, entry.getValue(), dir, quick, caches);
            progress.printf(Locale.ROOT, "  aot-train  %-37s %5.1f s  %s%n", entry.getValue().transport(),
                (System.nanoTime() - started) / 1e9, outcome);
            progress.flush();
            if (!outcome.startsWith("ok")) {
                notes.add("The " + entry.getValue().peer().label() + " processes ran without an AOT cache: " + outcome);
            }
        }
        List<PeerLauncher> trained = new ArrayList<>();
        for (PeerLauncher launcher : launchers) {
            List<List<String>> options = launcher.java() ? caches.get(key(launcher)) : null;
            trained.add(options == null ? launcher : launcher.withRoleOptions(options.get(0), options.get(1)));
        }
        return trained;
    }

    private static String key(PeerLauncher launcher) {
        return launcher.transport() + " " + String.join(" ", launcher.program());
    }

    private static String trainOne(PeersRun run, PeerLauncher launcher, Path dir, boolean quick,
                                   Map<String, List<List<String>>> caches) {
        String name = launcher.transport().replaceAll("[^A-Za-z0-9-]", "_");
        Path receiverConfig = dir.resolve(name + "-receiver.aotconf");
        Path senderConfig = dir.resolve(name + "-sender.aotconf");
        Point point = PeerSetup.runs(launcher.peer(), FANOUT) ? (quick ? FANOUT_QUICK : FANOUT)
            : (quick ? THROUGHPUT_QUICK : THROUGHPUT);
        Measurement training = run.measure(launcher.withRoleOptions(
            List.of("-XX:AOTMode=record", "-XX:AOTConfiguration=" + receiverConfig),
            List.of("-XX:AOTMode=record", "-XX:AOTConfiguration=" + senderConfig)), point);
        if (!training.ok()) {
            return "training " + point.workload() + " " + training.status() + ": " + training.reason();
        }
        Path receiverCache = dir.resolve(name + "-receiver.aot");
        Path senderCache = dir.resolve(name + "-sender.aot");
        String receiver = create(launcher, receiverConfig, receiverCache, dir.resolve(name + "-receiver.log"));
        String sender = create(launcher, senderConfig, senderCache, dir.resolve(name + "-sender.log"));
        if (receiver != null || sender != null) {
            return "creating the caches failed: " + (receiver != null ? receiver : sender);
        }
        caches.put(key(launcher), List.of(List.of("-XX:AOTCache=" + receiverCache),
            List.of("-XX:AOTCache=" + senderCache)));
        return String.format(Locale.ROOT, "ok: trained on %s %s (%.1f s), caches %.0f MB and %.0f MB",
            point.workload(), PeersRun.human(point.size()), point.duration(), size(receiverCache) / 1e6,
            size(senderCache) / 1e6);
    }

    /** {@code java <the launcher's JVM options> -XX:AOTMode=create ...}; null when done, else why not. */
    private static String create(PeerLauncher launcher, Path config, Path cache, Path log) {
        if (!Files.isRegularFile(config)) {
            return "no configuration was recorded (" + config.getFileName() + ")";
        }
        List<String> program = launcher.program();
        List<String> command = new ArrayList<>(program.subList(0, program.size() - 1)); // without the main class
        command.addAll(1, List.of("-XX:AOTMode=create", "-XX:AOTConfiguration=" + config, "-XX:AOTCache=" + cache));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                .start();
            if (!process.waitFor(CREATE_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return "java -XX:AOTMode=create took over " + CREATE_SECONDS + " s (" + log + ")";
            }
            if (process.exitValue() != 0 || !Files.isRegularFile(cache)) {
                return "java -XX:AOTMode=create exited " + process.exitValue() + " (" + log + ")";
            }
            return null;
        } catch (IOException e) {
            return "cannot start java -XX:AOTMode=create: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

}
