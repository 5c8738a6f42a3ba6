package io.sluice.it;

import io.sluice.Qos;
import io.sluice.Sluice;
import io.sluice.SluiceOptions;
import io.sluice.Subscriber;
import io.sluice.exec.Executor;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * A child JVM with an event loop that subscribes to {@code args[1]} in the domain below root {@code args[0]}:
 * prints {@code READY} once the loop runs, {@code RECEIVED n} as samples arrive, and waits to be killed.
 */
public final class BellChild {
    private BellChild() {
    }

    public static void main(String[] args) throws Exception {
        ParentWatch.exitWithParent(); // the loop runs until killed: it would outlive a killed test
        Sluice sluice = Sluice.open("bell-child", SluiceOptions.defaults().withRoot(Path.of(args[0])).withDomain(0));
        Subscriber<MemorySegment> subscriber = sluice.subscriber(args[1], ParticipantChild.TYPE, Qos.queue(64));
        Executor executor = Executor.eventLoop();
        long[] received = {0};
        executor.subscription(subscriber, sample -> ParticipantChild.say("RECEIVED " + ++received[0]));
        executor.guardCondition("ready", () -> ParticipantChild.say("READY")).trigger();
        executor.run();
    }
}
