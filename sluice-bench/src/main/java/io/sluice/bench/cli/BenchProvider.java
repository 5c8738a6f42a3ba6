package io.sluice.bench.cli;

import io.sluice.bench.peers.PeersCommand;
import io.sluice.cli.CommandProvider;

import java.io.PrintStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code sluice bench}, contributed to the {@code sluice} command through {@link java.util.ServiceLoader}
 * ({@code META-INF/services/io.sluice.cli.CommandProvider}) when this module's jar is on the class path: the modes
 * ({@link ModeCommand}) and {@code peers} ({@link PeersCommand.Cli}) as its subcommands.
 */
public final class BenchProvider implements CommandProvider {
    @Override
    public String name() {
        return "bench";
    }

    @Override
    public CommandLine command(PrintStream out, PrintStream err) {
        return commandLine(out, err);
    }

    /** {@code sluice bench} and its subcommands, printing to {@code out} and {@code err}. */
    static CommandLine commandLine(PrintStream out, PrintStream err) {
        CommandLine line = new CommandLine(new Bench());
        for (BenchOptions.Mode mode : BenchOptions.Mode.values()) {
            line.addSubcommand(mode.label(), ModeCommand.commandLine(mode, out, err));
        }
        line.addSubcommand("peers", new PeersCommand.Cli(out, err));
        line.addSubcommand("record", new RecordBenchmark(out, err));
        line.addSubcommand("help", new CommandLine.HelpCommand()); // `sluice bench help` printed the usage before
        return line;
    }

    /** {@code sluice bench}: a subcommand is required (without one: a usage error). */
    @Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmarks: latency, throughput, idle, executor, peers, record.",
            "The publisher runs in this JVM, every subscriber in a JVM of its own started from the same java and"
                + " class path. Figures, the machine they ran on and the commands are in docs/PERFORMANCE.md."},
        footer = "%nSee 'sluice bench <mode> --help' for a mode's options.")
    static final class Bench {
    }
}
