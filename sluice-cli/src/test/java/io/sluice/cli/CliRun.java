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
}
