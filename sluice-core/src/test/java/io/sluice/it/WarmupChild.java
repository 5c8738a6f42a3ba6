package io.sluice.it;

import io.sluice.Qos;
import io.sluice.Sluice;
import io.sluice.SluiceOptions;
import io.sluice.Subscriber;

import java.lang.management.ManagementFactory;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import javax.management.ObjectName;

/**
 * Calls a subscriber's {@code take()} (below root {@code args[0]}, no publisher) up to {@code args[1]} times, then
 * waits up to {@code args[2]} ms more, and prints {@code COMPILED <calls>} as soon as this JVM's code cache holds
 * {@code ShmSubscriber.take()} compiled at level 4 (C2), or {@code NOT-COMPILED} at the end. The code cache is read
 * through the {@code compilerCodelist} diagnostic command.
 */
public final class WarmupChild {
    static final String METHOD = "io.sluice.shm.ShmSubscriber.take()";

    private WarmupChild() {
    }

    public static void main(String[] args) throws Exception {
        ParentWatch.exitWithParent();
        int calls = Integer.parseInt(args[1]);
        long waitNanos = Long.parseLong(args[2]) * 1_000_000L;
        try (Sluice sluice = Sluice.open("warmup-child",
            SluiceOptions.defaults().withRoot(Path.of(args[0])).withDomain(0))) {
            Subscriber<MemorySegment> subscriber = sluice.subscriber("/warmup", ParticipantChild.TYPE, Qos.queue(4));
            for (int call = 1; call <= calls; call++) {
                if (subscriber.take() != null) {
                    throw new IllegalStateException("a sample on a topic nobody publishes");
                }
                if (call % 100 == 0 && compiledByC2()) {
                    ParticipantChild.say("COMPILED " + call);
                    return;
                }
            }
            long deadline = System.nanoTime() + waitNanos;
            while (System.nanoTime() - deadline < 0) { // the compile queue may still hold it
                if (compiledByC2()) {
                    ParticipantChild.say("COMPILED " + calls);
                    return;
                }
                Thread.sleep(50);
            }
            ParticipantChild.say("NOT-COMPILED");
        }
    }

    /**
     * Lines of {@code compilerCodelist}: {@code <id> <level> <state> <class>.<method>(<descriptor>)<return> [...]},
     * the state 0 (in use) or 1 (not used: still valid, waiting to be entered again); 2 is not entrant (deoptimised).
     */
    private static boolean compiledByC2() throws Exception {
        String list = (String) ManagementFactory.getPlatformMBeanServer().invoke(
            new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerCodelist",
            new Object[] {null}, new String[] {String[].class.getName()});
        for (String line : list.split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length >= 4 && fields[1].equals("4") && (fields[2].equals("0") || fields[2].equals("1"))
                && fields[3].startsWith(METHOD)) {
                return true;
            }
        }
        return false;
    }
}
