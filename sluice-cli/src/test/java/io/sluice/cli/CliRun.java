package io.sluice.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * One {@code sluice} command run in this JVM ({@link Main#run}): its exit code and what it printed.
 *
 * @param code the exit code
 * @param out  standard output
 * @param err  standard error
 */
public record CliRun(int code, String out, String err) {
    /** Runs {@code args} as {@code sluice args...}. */
    public static CliRun run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Main.run(args, o, e);
        }
        return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /**
     * Runs {@code args} on a thread of its own (not the common pool, which has one thread on a 2-core machine and
     * would queue a command behind another test's).
     */
    public static java.util.concurrent.CompletableFuture<CliRun> async(String... args) {
        java.util.concurrent.CompletableFuture<CliRun> result = new java.util.concurrent.CompletableFuture<>();
        Thread.ofPlatform().daemon().name("sluice " + String.join(" ", args)).start(() -> {
            try {
                result.complete(run(args));
            } catch (Throwable failure) {
                result.completeExceptionally(failure);
            }
        });
        return result;
    }

    /** {@code args} followed by {@code --root ROOT --domain DOMAIN}. */
    public static String[] inDomain(String root, int domain, String... args) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 4);
        all[args.length] = "--root";
        all[args.length + 1] = root;
        all[args.length + 2] = "--domain";
        all[args.length + 3] = Integer.toString(domain);
        return all;
    }

    /**
     * Starts {@code sluice args...} in a JVM of its own (this JVM's java and class path), its standard output and
     * error going to {@code log.out} and {@code log.err}: a process that Ctrl-C ({@link #interrupt}) or
     * {@code kill -9} can end as a user's would be.
     */
    public static Process start(java.nio.file.Path log, String... args) throws java.io.IOException {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(
            ProcessHandle.current().info().command().orElseThrow(), "--enable-native-access=ALL-UNNAMED",
            "-XX:+UseSerialGC", "-Xmx256m", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(java.util.List.of(args));
        return new ProcessBuilder(command).redirectOutput(log.resolveSibling(log.getFileName() + ".out").toFile())
            .redirectError(log.resolveSibling(log.getFileName() + ".err").toFile()).start();
    }

    /** What a process of {@link #start} printed so far: its standard output, then its standard error. */
    public static String printed(java.nio.file.Path log) throws java.io.IOException {
        return java.nio.file.Files.readString(log.resolveSibling(log.getFileName() + ".out")) + "\n"
            + java.nio.file.Files.readString(log.resolveSibling(log.getFileName() + ".err"));
    }

    /** Sends SIGINT (what Ctrl-C sends) to {@code process}. */
    public static void interrupt(Process process) throws java.io.IOException, InterruptedException {
        new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
    }
}
