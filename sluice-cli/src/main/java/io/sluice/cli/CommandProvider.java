package io.sluice.cli;

import java.io.PrintStream;
import picocli.CommandLine;

/**
 * A subcommand of {@code sluice} that another artifact contributes, found through {@link java.util.ServiceLoader}
 * when its jar is on the class path: {@code sluice bench} comes from {@code sluice-bench} this way, so that the
 * command's own artifact does not carry the benchmarks' dependencies. An implementation is listed in
 * {@code META-INF/services/io.sluice.cli.CommandProvider} of its jar and has a public no-argument constructor.
 *
 * {@snippet :
 * public final class BenchProvider implements CommandProvider {
 *     public String name() { return "bench"; }
 *     public CommandLine command(PrintStream out, PrintStream err) { return new CommandLine(new BenchCli(out, err)); }
 * }
 * }
 */
public interface CommandProvider {
    /** The word that calls it: {@code sluice <name> ...}. */
    String name();

    /** The subcommand, ready to add to the {@code sluice} command line, printing to {@code out} and {@code err}. */
    CommandLine command(PrintStream out, PrintStream err);
}
