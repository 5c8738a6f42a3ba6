package io.sluice.cli;

import io.sluice.cli.bag.BagCommand;
import io.sluice.cli.demo.DemoCommand;
import io.sluice.cli.demo.DemoNodeMain;
import io.sluice.cli.demo.DemoRole;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The {@code sluice} command (picocli): {@code sluice <command> [arguments...]}, {@code --help} on every level,
 * {@code --version}, exit codes 0 (done), 1 (failed) and 2 (usage), an error in one line naming what was wrong, and
 * {@code sluice completion} for a bash completion script.
 *
 * <ul>
 *   <li>{@code demo}: {@link DemoCommand}, a synthetic RGB-D camera and three subscribers in separate processes;</li>
 *   <li>{@code bench}: {@code io.sluice.cli.bench.BenchCommand}, looked up when called;</li>
 *   <li>{@code torture}: fault injection at every point of the transport
 *       ({@link io.sluice.cli.torture.TortureCommand});</li>
 *   <li>{@code clean}: removes what crashed processes left in shared memory ({@link io.sluice.Sluice#clean});</li>
 *   <li>{@code bag info|recover}: MCAP recordings ({@link BagCommand}).</li>
 * </ul>
 * {@code demo}, {@code bench} and {@code torture} still parse their own arguments: picocli hands them on as they
 * are. The demo's child processes are started as hidden commands ({@link DemoRole}), outside picocli.
 */
@Command(name = "sluice", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Shared-memory publish/subscribe for robot sensor data.",
    footer = "%nSee 'sluice <command> --help' for a command's options.")
public final class Main implements Callable<Integer> {
    /** The class {@code sluice bench} runs; it is built separately, so it is looked up by name. */
    static final String BENCH_CLASS = "io.sluice.cli.bench.BenchCommand";

    private final PrintStream out;
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    private Main(PrintStream out) {
        this.out = out;
    }

    /** Runs the command in {@code args} and exits with its code (returns normally when bench returns). */
    public static void main(String[] args) {
        Interrupt.enable(); // a command of this process may take Ctrl-C as a request to stop
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
        if (args.length > 0) {
            DemoRole role = DemoRole.ofCommand(args[0]);
            if (role != null) {
                return DemoNodeMain.run(role, Arrays.copyOfRange(args, 1, args.length), out, err);
            }
        }
        return commandLine(out, err).execute(args);
    }

    /** The whole command tree, printing to {@code out} and {@code err}. */
    static CommandLine commandLine(PrintStream out, PrintStream err) {
        CommandLine line = new CommandLine(new Main(out));
        line.addSubcommand("demo", passOn(new PassOn("demo", arguments -> DemoCommand.run(arguments, out, err)),
            "A synthetic 2K RGB-D camera and three subscribers (controller, recorder, monitor), each in its own"
                + " process; their rates, latencies, losses and CPU (sluice demo --help)."));
        line.addSubcommand("bench", passOn(new PassOn("bench", arguments -> bench(arguments, err)),
            "Benchmarks: latency, throughput, idle, executor, peers (sluice bench --help)."));
        line.addSubcommand("torture", passOn(new PassOn("torture",
            arguments -> io.sluice.cli.torture.TortureCommand.run(arguments, out, err)),
            "Fault injection: kills and stops a process at every fault point of the transport and checks the"
                + " others (sluice torture --help)."));
        line.addSubcommand("clean", new Clean(out, err));
        CommandLine bag = new CommandLine(new BagCommand(err));
        bag.addSubcommand("info", new BagCommand.Info(out, err));
        bag.addSubcommand("recover", new BagCommand.Recover(out, err));
        bag.addSubcommand("video", new io.sluice.cli.record.BagVideo(out, err));
        bag.addSubcommand("export", new io.sluice.cli.record.BagExport(out, err));
        line.addSubcommand("bag", bag);
        CommandLine topic = new CommandLine(new io.sluice.cli.topic.TopicCommand(err));
        io.sluice.cli.topic.TopicCommand.subcommands(out, err).forEach(topic::addSubcommand);
        line.addSubcommand("topic", topic);
        CommandLine node = new CommandLine(new io.sluice.cli.topic.NodeCommand(err));
        io.sluice.cli.topic.NodeCommand.subcommands(out, err).forEach(node::addSubcommand);
        line.addSubcommand("node", node);
        line.addSubcommand("record", new io.sluice.cli.record.RecordCommand(out, err));
        line.addSubcommand("play", new io.sluice.cli.record.PlayCommand(out, err));
        line.addSubcommand("completion", new AutoComplete.GenerateCompletion());
        line.addSubcommand("help", new CommandLine.HelpCommand());
        line.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        line.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        line.setParameterExceptionHandler((ex, arguments) -> {
            CommandLine failed = ex.getCommandLine();
            String name = failed.getCommandSpec().qualifiedName();
            String problem = ex.getMessage();
            if (ex instanceof CommandLine.UnmatchedArgumentException unmatched && !failed.getSubcommands().isEmpty()
                && !unmatched.getUnmatched().isEmpty() && !unmatched.getUnmatched().getFirst().startsWith("-")) {
                problem = "unknown command: " + unmatched.getUnmatched().getFirst();
            }
            failed.getErr().println(name + ": " + problem + " (" + name + " --help)");
            return CommandLine.ExitCode.USAGE;
        });
        line.setExecutionExceptionHandler((ex, failed, parsed) -> {
            failed.getErr().println(failed.getCommandSpec().qualifiedName() + ": " + ex);
            return CommandLine.ExitCode.SOFTWARE;
        });
        return line;
    }

    private static CommandLine passOn(PassOn command, String description) {
        CommandLine line = new CommandLine(command);
        line.getCommandSpec().usageMessage().description(description);
        line.setUnmatchedOptionsArePositionalParams(true); // its own parser reads them, --help included
        line.setStopAtPositional(true);
        return line;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(out);
        return 0;
    }

    /** {@code demo}, {@code bench} and {@code torture}: their arguments, handed to their own parsers. */
    @Command
    private static final class PassOn implements Callable<Integer> {
        @Parameters(paramLabel = "ARGUMENT", arity = "0..*", description = "handed to the command as it is")
        List<String> arguments = new ArrayList<>();

        private final String name;
        private final java.util.function.ToIntFunction<String[]> command;

        PassOn(String name, java.util.function.ToIntFunction<String[]> command) {
            this.name = name;
            this.command = command;
        }

        @Override
        public Integer call() {
            return command.applyAsInt(arguments.toArray(String[]::new));
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** {@code sluice clean [--root DIR]}: {@link io.sluice.Sluice#clean}, and what it removed. */
    @Command(name = "clean", mixinStandardHelpOptions = true, description = "Remove what crashed processes left in"
        + " shared memory: files of dead participants in every domain of this user, and empty domain directories;"
        + " never a live participant's files.")
    static final class Clean implements Callable<Integer> {
        @Option(names = "--root", paramLabel = "DIR", defaultValue = "/dev/shm",
            description = "the shared-memory root (default: ${DEFAULT-VALUE})")
        Path root;

        private final PrintStream out;
        private final PrintStream err;

        Clean(PrintStream out, PrintStream err) {
            this.out = out;
            this.err = err;
        }

        @Override
        public Integer call() {
            if (!Files.isDirectory(root)) {
                err.println("sluice clean: not a directory: root=" + root);
                return 1;
            }
            io.sluice.CleanReport report = io.sluice.Sluice.clean(root);
            out.printf("swept %d domain(s) in %s: removed %d file(s), %.1f MB, and %d empty domain director%s%n",
                report.domains(), root, report.files(), report.bytes() / 1e6, report.directoriesRemoved(),
                report.directoriesRemoved() == 1 ? "y" : "ies");
            return 0;
        }
    }

    /** The version in the jar's manifest, or "development" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"sluice " + (version == null ? "(development build)" : version)};
        }
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
