package io.sluice.cli;

import io.sluice.cli.bag.BagCommand;
import io.sluice.cli.demo.DemoCommand;
import io.sluice.cli.demo.DemoNodeMain;
import io.sluice.cli.demo.DemoRole;
import io.sluice.cli.torture.TortureCommand;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
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
 *   <li>{@code bench}: from {@code sluice-bench}, a {@link CommandProvider} found through {@link ServiceLoader} when
 *       its jar is on the class path (otherwise {@code sluice bench} says that bench is not in this build);</li>
 *   <li>{@code torture}: fault injection at every point of the transport
 *       ({@link io.sluice.cli.torture.TortureCommand});</li>
 *   <li>{@code clean}: removes what crashed processes left in shared memory ({@link io.sluice.Sluice#clean});</li>
 *   <li>{@code bag info|recover}: MCAP recordings ({@link BagCommand}).</li>
 * </ul>
 * The demo's child processes are started as hidden commands ({@link DemoRole}), outside picocli.
 */
@Command(name = "sluice", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Shared-memory publish/subscribe for robot sensor data.",
    footer = "%nSee 'sluice <command> --help' for a command's options.")
public final class Main implements Callable<Integer> {
    /** Providers that fail to load before the lookup gives up (each failure skips one). */
    private static final int MAX_PROVIDER_FAILURES = 16;

    private final PrintStream out;
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    private Main(PrintStream out) {
        this.out = out;
    }

    /** Runs the command in {@code args} and exits with its code (returns normally when bench returns). */
    public static void main(String[] args) {
        Interrupt.enable(); // a command of this process may take Ctrl-C as a request to stop
        int code = run(args, System.out, System.err);
        if (code == 0 && args.length > 0 && args[0].equals("bench")) {
            return; // bench may leave threads of its own running: let them finish
        }
        System.exit(code);
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
        line.addSubcommand("demo", new DemoCommand.Cli(out, err));
        addProvided(line, ServiceLoader.load(CommandProvider.class), out, err);
        line.addSubcommand("torture", new TortureCommand.Cli(out, err));
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

    /**
     * Adds the commands {@code providers} contribute; {@code bench}, when none provides it, as a command that says
     * so and fails.
     */
    static void addProvided(CommandLine line, Iterable<CommandProvider> providers, PrintStream out, PrintStream err) {
        Iterator<CommandProvider> found = providers.iterator();
        for (int failures = 0; failures < MAX_PROVIDER_FAILURES; ) {
            try {
                if (!found.hasNext()) {
                    break;
                }
                CommandProvider provider = found.next();
                line.addSubcommand(provider.name(), provider.command(out, err));
            } catch (ServiceConfigurationError | LinkageError unusable) {
                failures++; // a jar of another build (./sluice rebuilds sluice-bench before `bench` runs): skipped
            }
        }
        if (!line.getSubcommands().containsKey("bench")) {
            CommandLine missing = new CommandLine(new BenchMissing(err));
            missing.setUnmatchedOptionsArePositionalParams(true); // whatever is asked of it, it says it is missing
            line.addSubcommand("bench", missing);
        }
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(out);
        return 0;
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

    /** {@code sluice bench} in a build without sluice-bench's jar: says so, exit code 1. */
    @Command(name = "bench",
        description = "Benchmarks (not in this build: sluice-bench's jar is not on the class path).")
    static final class BenchMissing implements Callable<Integer> {
        /** What {@code sluice bench} prints when sluice-bench is not on the class path. */
        static final String MESSAGE = "sluice bench: bench is not in this build (no sluice-bench jar on the class"
            + " path; ./sluice bench builds it, or build the sluice-bench module)";

        @Parameters(paramLabel = "ARGUMENT", arity = "0..*", hidden = true)
        List<String> arguments = new ArrayList<>();

        private final PrintStream err;

        BenchMissing(PrintStream err) {
            this.err = err;
        }

        @Override
        public Integer call() {
            err.println(MESSAGE);
            return 1;
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
}
