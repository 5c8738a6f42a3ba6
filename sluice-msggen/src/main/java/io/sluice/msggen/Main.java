package io.sluice.msggen;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code msggen}: generates Java flyweights for ROS 2 {@code .msg} files (see {@link MessageGenerator}).
 *
 * <pre>
 * msggen --msg-dir DIR [--msg-dir DIR]... --out DIR [--package PREFIX] [--superclass TYPE=CLASS]... [--delete-stale]
 * msggen --standard --out DIR [--delete-stale]
 * </pre>
 *
 * Exits 0 when the sources are written, 1 when a {@code .msg} file has a problem (each printed as
 * {@code file:line: what}), 2 on bad arguments.
 */
public final class Main {
    static final String USAGE = """
        usage: msggen --msg-dir DIR [--msg-dir DIR]... --out DIR [--package PREFIX] [--superclass TYPE=CLASS]...
                      [--delete-stale]
               msggen --standard --out DIR [--delete-stale]

          --msg-dir DIR         a directory of <package>/msg/<Name>.msg files (repeatable)
          --out DIR             the source root to write the Java classes under
          --package PREFIX      Java package prefix of non-standard packages (default io.sluice.msg)
          --superclass T=C      the class of type T (package/msg/Name) extends C instead of CdrMessage
          --standard            generate the bundled standard types, as sluice-core holds them
          --delete-stale        also delete generated sources under --out that are no longer generated
        """;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs {@code msggen} with {@code args} and returns its exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        List<Path> msgDirectories = new ArrayList<>();
        Path output = null;
        boolean standard = false;
        boolean deleteStale = false;
        MessageGenerator.Builder builder = MessageGenerator.builder();
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--msg-dir" -> msgDirectories.add(Path.of(value(args, ++i)));
                    case "--out" -> output = Path.of(value(args, ++i));
                    case "--package" -> builder.packagePrefix(value(args, ++i));
                    case "--superclass" -> {
                        String mapping = value(args, ++i);
                        int equals = mapping.indexOf('=');
                        if (equals < 0) {
                            throw new IllegalArgumentException("--superclass needs TYPE=CLASS: " + mapping);
                        }
                        builder.superclass(mapping.substring(0, equals), mapping.substring(equals + 1));
                    }
                    case "--standard" -> standard = true;
                    case "--delete-stale" -> deleteStale = true;
                    case "-h", "--help" -> {
                        out.print(USAGE);
                        return 0;
                    }
                    default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
                }
            }
            if (output == null) {
                throw new IllegalArgumentException("--out is required");
            }
            if (standard == !msgDirectories.isEmpty()) {
                throw new IllegalArgumentException("give either --msg-dir (at least one) or --standard");
            }
        } catch (IllegalArgumentException e) {
            err.println("msggen: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        MessageGenerator generator = standard ? MessageGenerator.standard()
            : builder.msgDirectories(msgDirectories).build();
        try {
            MessageGenerator.Summary summary = deleteStale ? generator.syncTo(output) : generator.writeTo(output);
            out.println("msggen: " + summary.written().size() + " written, " + summary.unchanged().size()
                + " unchanged" + (deleteStale ? ", " + summary.deleted().size() + " deleted" : "") + " under "
                + output);
            return 0;
        } catch (MessageGenerationException e) {
            for (String problem : e.problems()) {
                err.println(problem);
            }
            err.println("msggen: " + e.problems().size() + (e.problems().size() == 1 ? " problem" : " problems")
                + ", nothing written");
            return 1;
        } catch (UncheckedIOException e) {
            err.println("msggen: " + e.getCause().getMessage());
            return 1;
        }
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }
}
