package io.sluice.bench.peers;

import io.sluice.JvmOptions;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How the coordinator starts the processes of one peer. Harness peers follow {@code sluice-bench/peers/PROTOCOL.md}:
 * one command per process, {@code <program...> <transport> <role> key=value...}. The Cyclone DDS peer is driven by a
 * wrapper around {@code ddsperf} that runs a whole measurement and prints the result line itself.
 *
 * @param peer      the peer this launches
 * @param program   the program and its fixed arguments, before {@code <transport>}
 * @param transport the transport argument
 * @param whole     the program runs a whole measurement ({@code ddsperf-run.sh}) instead of one process of it
 * @param extraKeys keys this peer's processes get on top of the measurement's (e.g. {@code prime=20000})
 * @param receiverOptions options a Java receiver ({@code sink}, {@code pong}) gets right after {@code java}: its AOT
 *                  cache ({@link AotCaches})
 * @param senderOptions the same for a sender ({@code source}, {@code ping})
 */
record PeerLauncher(Peer peer, List<String> program, String transport, boolean whole, List<String> extraKeys,
                    List<String> receiverOptions, List<String> senderOptions) {

    PeerLauncher(Peer peer, List<String> program, String transport, boolean whole) {
        this(peer, program, transport, whole, List.of(), List.of(), List.of());
    }

    static PeerLauncher java(Peer peer, String transport, List<String> jvmOptions) {
        List<String> program = new ArrayList<>();
        program.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        program.add("--enable-native-access=ALL-UNNAMED");
        // Sluice's recommended options, as a user's process would run: they lower the compile thresholds of io.sluice
        // methods only, which includes the harness loop all Java peers share
        program.addAll(JvmOptions.RECOMMENDED);
        program.addAll(jvmOptions);
        program.add("-cp");
        program.add(System.getProperty("java.class.path"));
        program.add(PeerHarness.class.getName());
        return new PeerLauncher(peer, List.copyOf(program), transport, false);
    }

    /** This launcher with {@code keys} added to every process's command line. */
    PeerLauncher withKeys(List<String> keys) {
        return new PeerLauncher(peer, program, transport, whole, List.copyOf(keys), receiverOptions, senderOptions);
    }

    /** This launcher with JVM options for its receivers and its senders (a Java harness only). */
    PeerLauncher withRoleOptions(List<String> receivers, List<String> senders) {
        return new PeerLauncher(peer, program, transport, whole, extraKeys, List.copyOf(receivers),
            List.copyOf(senders));
    }

    /** Whether this starts the Java harness (whose JVM takes options). */
    boolean java() {
        return !whole && program.contains(PeerHarness.class.getName());
    }

    /** Whether {@code role} receives (sink, pong) rather than sends (source, ping). */
    static boolean receiver(String role) {
        return role.equals(HarnessArgs.SINK) || role.equals(HarnessArgs.PONG);
    }

    /** The command of one process: {@code role} with the measurement's {@code keys}. */
    List<String> command(String role, List<String> keys) {
        List<String> command = new ArrayList<>(program);
        command.addAll(1, receiver(role) ? receiverOptions : senderOptions);
        command.add(transport);
        command.add(role);
        command.addAll(keys);
        command.addAll(extraKeys);
        return command;
    }
}
