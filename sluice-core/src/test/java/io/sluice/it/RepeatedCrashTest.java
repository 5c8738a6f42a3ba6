package io.sluice.it;

import io.sluice.Publisher;
import io.sluice.PublisherOptions;
import io.sluice.Qos;
import io.sluice.Sluice;
import io.sluice.Subscriber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import static io.sluice.it.ParticipantChild.TYPE;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Nothing stale accumulates: rounds of a publisher and a subscriber killed with SIGKILL at random points (while
 * starting, joining, publishing, taking, holding) leave files that the next participant's sweep removes.
 */
class RepeatedCrashTest extends MultiProcessTest {
    private static final int ROUNDS = 5;
    private static final String[] SUBSCRIBER_COMMANDS = {
        "SUBS 1 /stale LATEST 1", "SUBS 1 /stale QUEUE 4", "SUBS 1 /stale RELIABLE 2", "SUBS 2 /stale QUEUE 2"};

    @Test
    @Timeout(120)
    void shouldLeaveNothingStaleAfterRepeatedKills() {
        long seed = System.nanoTime();
        System.out.println("RepeatedCrashTest seed=" + seed);
        Random random = new Random(seed);
        for (int round = 0; round < ROUNDS; round++) {
            ChildJvm publisher = children.start("publisher-" + round, ParticipantChild.class, root.path().toString());
            ChildJvm subscriber = children.start("subscriber-" + round, ParticipantChild.class,
                root.path().toString());
            // commands are queued in the pipes at once, so that the children run them without waiting for us
            long size = random.nextBoolean() ? 4096 : 1 + random.nextInt(3 * 1024 * 1024);
            publisher.send("PUB /stale 4 65536 200 " + random.nextInt(2));
            publisher.send("STREAM " + size + " 0");
            subscriber.send(SUBSCRIBER_COMMANDS[random.nextInt(SUBSCRIBER_COMMANDS.length)]);
            subscriber.send(random.nextBoolean() ? "HOLD 3 60000" : "DRAIN");
            // where the kill lands: while the JVMs start (1 in 5), while they join (1 in 5), or while they work
            int phase = random.nextInt(5);
            String when = phase == 0 ? "spawning" : phase == 1 ? "started" : "working";
            if (phase >= 1) {
                publisher.expect("STARTED", Duration.ofSeconds(30));
                subscriber.expect("STARTED", Duration.ofSeconds(30));
            }
            if (phase >= 2) {
                publisher.expect("STREAMING", Duration.ofSeconds(30));
                subscriber.expect("SUBS-READY", Duration.ofSeconds(30));
            }
            int delay = random.nextInt(phase == 0 ? 400 : 300);
            SubscriberCrashTest.sleep(delay);
            boolean publisherFirst = random.nextBoolean();
            (publisherFirst ? publisher : subscriber).kill();
            int gap = random.nextInt(200);
            SubscriberCrashTest.sleep(gap);
            (publisherFirst ? subscriber : publisher).kill();
            System.out.printf("round %d: killed %s %d ms after %s, the other %d ms later; left behind: %s%n", round,
                publisherFirst ? "publisher" : "subscriber", delay, when, gap,
                root.domainFiles());
        }

        sluice = Sluice.open("sweeper", root.options());
        assertEquals(List.of(), root.domainFiles(), "opening a participant sweeps what the killed ones left");

        // the topic works again, and the last participant to leave removes its files
        Publisher<MemorySegment> publisher = sluice.publisher("/stale", TYPE, PublisherOptions.defaults());
        Subscriber<MemorySegment> subscriber = sluice.subscriber("/stale", TYPE, Qos.queue(4));
        assertEquals(1, subscriber.publisherCount());
        SubscriberCrashTest.publish(publisher, 0, 100);
        assertEquals(List.of(0L), SubscriberCrashTest.takeAll(subscriber, 1));
        sluice.close();
        sluice = null;
        assertEquals(List.of(), root.domainFiles());
    }
}
