package io.sluice.cli;

import io.sluice.cli.demo.DemoCommand;
import io.sluice.cli.demo.DemoNodeMain;
import io.sluice.cli.demo.DemoRole;

import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * The {@code sluice} command: dispatches {@code sluice <command> [arguments...]} to its command.
 *
 * <ul>
 *   <li>{@code demo}: {@link DemoCommand}, a synthetic RGB-D camera and three subscribers in separate processes;</li>
 *   <li>{@code bench}: {@code io.sluice.cli.bench.BenchCommand}, looked up when called;</li>
 *   <li>{@code torture}: fault injection at every point of the transport
 *       ({@link io.sluice.cli.torture.TortureCommand});</li>
 *   <li>{@code clean}: removes what crashed processes left in shared memory ({@link io.sluice.Sluice#clean});</li>
 *   <li>{@code help}, or nothing: the usage.</li>
 * </ul>
 * An unknown command prints the usage to standard error and exits with 2.
 */
public final class Main {
    /** The class {@code sluice bench} runs; it is built separately, so it is looked up by name. */
    static final String BENCH_CLASS = "io.sluice.cli.bench.BenchCommand";

    private Main() {
    }

    /** Runs the command in {@code args} and exits with its code (returns normally when bench returns). */
    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("bench")) {
            int code = bench(Arrays.copyOfRange(args, 1, args.length), System.err);
            if (code != 0) {
                System.exit(code);
            }
            return; // bench may leave threads of its own running: let them finish
        }
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the command in {@code args}, printing to {@code out} and {@code err}.
     *
     * @return the exit code: 0 on success, 1 when the command failed, 2 for a usage error
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            out.print(usage());
            return 0;
        }
        String command = args[0];
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        DemoRole role = DemoRole.ofCommand(command);
        if (role != null) {
            return DemoNodeMain.run(role, rest, out, err);
        }
        return switch (command) {
            case "demo" -> DemoCommand.run(rest, out, err);
            case "bench" -> bench(rest, err);
            case "clean" -> clean(rest, out, err);
            case "torture" -> io.sluice.cli.torture.TortureCommand.run(rest, out, err);
            case "help", "--help", "-h" -> {
                out.print(usage());
                yield 0;
            }
            default -> {
                err.println("sluice: unknown command: command=" + command);
                err.print(usage());
                yield 2;
            }
        };
    }

    static String usage() {
        return """
            usage: sluice <command> [arguments...]

            commands:
              demo [--duration SECONDS] [--json]
                        a synthetic 2K RGB-D camera (rgb, depth, point cloud at 15 fps) and three
                        subscribers (controller, recorder, monitor), each in its own process; prints
                        their rates, latencies, losses and CPU (default 10 s)
              clean [--root DIR]
                        removes what crashed processes left in shared memory: files of dead
                        participants in every domain of this user, and empty domain directories
                        (default root /dev/shm); never touches a live participant's files
              torture [--runs N] [--modes halt,stop] [--only POINT,...] [--soak DURATION]
                        kills and stops a process at every fault point of the transport and checks
                        that the others lose nothing silently, are not blocked, and leave no file
              bench [arguments...]
                        benchmarks (see 'sluice bench --help')
              help      this text
            """;
    }

    /** {@code sluice clean [--root DIR]}: {@link io.sluice.Sluice#clean}, and what it removed. */
    static int clean(String[] args, PrintStream out, PrintStream err) {
        java.nio.file.Path root = java.nio.file.Path.of("/dev/shm");
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--root") && i + 1 < args.length) {
                root = java.nio.file.Path.of(args[++i]);
            } else {
                err.println("sluice clean: unknown argument: argument=" + args[i]);
                err.print(usage());
                return 2;
            }
        }
        if (!java.nio.file.Files.isDirectory(root)) {
            err.println("sluice clean: not a directory: root=" + root);
            return 1;
        }
        io.sluice.CleanReport report = io.sluice.Sluice.clean(root);
        out.printf("swept %d domain(s) in %s: removed %d file(s), %.1f MB, and %d empty domain director%s%n",
            report.domains(), root, report.files(), report.bytes() / 1e6, report.directoriesRemoved(),
            report.directoriesRemoved() == 1 ? "y" : "ies");
        return 0;
    }

    /** Calls {@code BenchCommand.main(args)}; 1 with a message when the class is not in this build. */
    static int bench(String[] args, PrintStream err) {
        Method main;
        try {
            main = Class.forName(BENCH_CLASS).getMethod("main", String[].class);
        } catch (ClassNotFoundException | NoSuchMethodException missing) {
            err.println("sluice: bench is not available in this build: " + BENCH_CLASS
                + ".main(String[]) not found");
            return 1;
        }
        try {
            main.invoke(null, (Object) args);
            return 0;
        } catch (InvocationTargetException failed) {
            Throwable cause = failed.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            err.println("sluice: bench failed: " + cause);
            return 1;
        } catch (IllegalAccessException inaccessible) {
            err.println("sluice: bench is not callable: " + BENCH_CLASS + ".main is not public");
            return 1;
        }
    }
}
