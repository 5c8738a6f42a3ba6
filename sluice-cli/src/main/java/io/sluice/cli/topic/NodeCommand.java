package io.sluice.cli.topic;

import io.sluice.Sluice;
import io.sluice.TopicStatus;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sluice node list|info}: the participants of a domain that use topics, found in the topics' rows (a
 * participant with no publisher or subscriber leaves no trace), with what each publishes and takes.
 */
@Command(name = "node", mixinStandardHelpOptions = true,
    description = "Look at participants (nodes): list, info.")
public final class NodeCommand implements Callable<Integer> {
    private final PrintStream err;

    public NodeCommand(PrintStream err) {
        this.err = err;
    }

    @Override
    public Integer call() {
        err.println("sluice node: say what to do: list or info (sluice node --help)");
        return 2;
    }

    /** The subcommands, each printing to {@code out} and {@code err}. */
    public static List<Object> subcommands(PrintStream out, PrintStream err) {
        return List.of(new ListNodes(out, err), new Info(out, err));
    }

    /** One participant: name and process, and the topics it publishes and takes. */
    record Node(String name, int pid, boolean alive, TreeSet<String> publishes, TreeSet<String> takes) {
        String label() {
            return name + " (pid " + pid + (alive ? "" : ", dead") + ")";
        }
    }

    /** Every participant seen in the domain's topics, by name and pid. */
    static Map<String, Node> nodes(Sluice sluice) {
        Map<String, Node> nodes = new TreeMap<>();
        for (TopicStatus status : sluice.topics()) {
            String line = status.topic() + " [" + status.info().typeName() + "]";
            for (TopicStatus.PublisherStatus publisher : status.publishers()) {
                node(nodes, publisher.participant(), publisher.pid(), publisher.alive()).publishes().add(line);
            }
            for (TopicStatus.SubscriberStatus subscriber : status.subscribers()) {
                node(nodes, subscriber.participant(), subscriber.pid(), subscriber.alive()).takes().add(line);
            }
        }
        return nodes;
    }

    private static Node node(Map<String, Node> nodes, String name, int pid, boolean alive) {
        return nodes.computeIfAbsent(name + "\u0000" + pid,
            key -> new Node(name, pid, alive, new TreeSet<>(), new TreeSet<>()));
    }

    static void describe(PrintStream out, Node node) {
        out.println(node.label());
        out.println("  Publishers:");
        node.publishes().forEach(topic -> out.println("    " + topic));
        out.println("  Subscribers:");
        node.takes().forEach(topic -> out.println("    " + topic));
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the participants that use topics (ros2 node list).")
    static final class ListNodes extends TopicCommand.Base {
        @Option(names = {"-v", "--verbose"}, description = "also what each publishes and takes")
        boolean verbose;

        @Option(names = {"-c", "--count-nodes"}, description = "only the number of participants")
        boolean count;

        ListNodes(PrintStream out, PrintStream err) {
            super(out, err);
        }

        @Override
        int run(Sluice sluice) {
            Map<String, Node> nodes = nodes(sluice);
            if (count) {
                out.println(nodes.size());
                return 0;
            }
            for (Node node : nodes.values()) {
                if (verbose) {
                    describe(out, node);
                } else {
                    out.println(node.label());
                }
            }
            return 0;
        }
    }

    @Command(name = "info", mixinStandardHelpOptions = true,
        description = "What a participant publishes and takes (ros2 node info).")
    static final class Info extends TopicCommand.Base {
        @Parameters(paramLabel = "NAME", description = "the participant's name (as Sluice.open was given it)")
        String node;

        Info(PrintStream out, PrintStream err) {
            super(out, err);
        }

        @Override
        int run(Sluice sluice) {
            List<Node> matching = nodes(sluice).values().stream().filter(n -> n.name().equals(node)).toList();
            if (matching.isEmpty()) {
                throw new TopicTools.Failure("no participant named " + node + " uses a topic (sluice node list)");
            }
            matching.forEach(n -> describe(out, n));
            return 0;
        }
    }
}
