package io.sluice.bench.cli;

import io.sluice.cli.CommandProvider;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code sluice bench}, contributed to the {@code sluice} command through {@link java.util.ServiceLoader}
 * ({@code META-INF/services/io.sluice.cli.CommandProvider}) when this module's jar is on the class path.
 */
public final class BenchProvider implements CommandProvider {
    @Override
    public String name() {
        return "bench";
    }

    @Override
    public CommandLine command(PrintStream out, PrintStream err) {
        CommandLine line = new CommandLine(new Bench(out, err));
        line.setUnmatchedOptionsArePositionalParams(true); // BenchCommand parses them, --help included
        line.setStopAtPositional(true);
        return line;
    }

    /** Its arguments, handed to {@link BenchCommand#run}. */
    @Command(name = "bench", description = "Benchmarks: latency, throughput, idle, executor, peers"
        + " (sluice bench --help).")
    static final class Bench implements Callable<Integer> {
        @Parameters(paramLabel = "ARGUMENT", arity = "0..*", description = "handed to the command as it is")
        List<String> arguments = new ArrayList<>();

        private final PrintStream out;
        private final PrintStream err;

        Bench(PrintStream out, PrintStream err) {
            this.out = out;
            this.err = err;
        }

        @Override
        public Integer call() {
            return BenchCommand.run(arguments.toArray(String[]::new), out, err);
        }
    }
}
