package io.sluice.shm;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The reuse handshake of {@link SlotProtocol}: a publisher decides whether to reuse a slot holding sequence 7 while
 * a subscriber pins it to read 7. r1: 1 when the publisher reused the slot; r2: 1 when the subscriber accepted the
 * sample. Both at once would let the publisher overwrite a sample the subscriber reads (invariant 1).
 */
@JCStressTest
@Outcome(id = "1, 1", expect = FORBIDDEN, desc = "the slot is reused while the subscriber holds it")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "the publisher saw the pin and kept the sample")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "the subscriber saw the claim and let the sample go")
@Outcome(id = "0, 0", expect = ACCEPTABLE_INTERESTING, desc = "the subscriber gave up spinning before the publisher"
    + " restored the sample")
@State
public class ReuseHandshakeStress {
    private static final long HELD = 7;
    private static final long PIN = TopicLayout.pinValue(1, 0);
    private static final int SPINS = 1 << 20;

    // one subscriber row: HELD_MASK at 0, PINS from 8; one slot: its sequence word at 0
    private final MemorySegment registry = Arena.ofAuto().allocate(64, 64);
    private final MemorySegment segment = Arena.ofAuto().allocate(64, 64);

    public ReuseHandshakeStress() {
        segment.set(java.lang.foreign.ValueLayout.JAVA_LONG, 0, HELD);
    }

    @Actor
    public void publisher(II_Result r) {
        SlotProtocol.beginClaim(segment, 0);
        if (SlotProtocol.rowPins(registry, 0, 8, PIN)) {
            SlotProtocol.keep(segment, 0, HELD);
            r.r1 = 0;
        } else {
            SlotProtocol.take(segment, 0);
            r.r1 = 1;
        }
    }

    @Actor
    public void subscriber(II_Result r) {
        SlotProtocol.pin(registry, 0, 0, 8, PIN);
        r.r2 = SlotProtocol.settledSequence(segment, 0, SPINS) == HELD ? 1 : 0;
    }
}
