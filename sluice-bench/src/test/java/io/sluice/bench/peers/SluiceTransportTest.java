package io.sluice.bench.peers;

import io.sluice.cli.ShmLease;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How the Sluice harness subscribes in fan-out: {@code qos=reliable} holds every message, the default only 4. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SluiceTransportTest {
    private static final int MESSAGES = 16;

    @Test
    void shouldKeepEveryMessageForAReliableFanOutSinkAndTheNewestFourForALossyOne() {
        int domain = 30000 + (int) (ProcessHandle.current().pid() % 10000);
        try (ShmLease lease = ShmLease.of(ShmLease.domainDirectory(domain))) {
            assertEquals(LongStream.range(0, MESSAGES).boxed().toList(), publishThenTake(domain, "reliable"),
                "Qos.reliable(16) over 16 slots: the sink that took nothing yet is owed all 16");
            assertEquals(List.of(12L, 13L, 14L, 15L), publishThenTake(domain, "queue"),
                "Qos.queue(4): a sink that fell behind keeps the newest 4");
        }
    }

    /** Publishes {@value #MESSAGES} messages to a fan-out sink that takes none until the last is out. */
    private static List<Long> publishThenTake(int domain, String qos) {
        HarnessArgs args = HarnessArgs.parse(new String[] {"sluice", "source", "workload=fanout", "name=t-" + qos,
            "size=1024", "warmup=0", "duration=1", "rate=30", "subs=1", "domain=" + domain, "qos=" + qos});
        List<Long> taken = new ArrayList<>();
        try (SluiceTransport transport = new SluiceTransport(args)) {
            JavaTransport.Receiver in = transport.receiver(JavaTransport.Stream.DATA, 0);
            JavaTransport.Sender out = transport.sender(JavaTransport.Stream.DATA, 0);
            for (long seq = 0; seq < MESSAGES; seq++) {
                PeerHeader.write(out.claim(args.size()), seq, 0);
                out.send();
            }
            for (MemorySegment message = in.receive(0); message != null; message = in.receive(0)) {
                taken.add(PeerHeader.seq(message));
                in.release();
            }
        }
        return taken;
    }
}
