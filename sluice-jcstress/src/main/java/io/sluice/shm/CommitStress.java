package io.sluice.shm;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JJJ_Result;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The commit of {@link SlotProtocol}: a publisher writes a payload word and the slot's length plainly, then commits
 * sequence 0 (slot sequence, ring entry, TAIL); a subscriber reads TAIL, and past 0 the slot's sequence, length and
 * payload. r1: TAIL seen; r2: the length read; r3: the payload read. Once TAIL says 0 is published the sample must be
 * whole: the slot says 0, the length is 8 and the payload is there.
 */
@JCStressTest
@Outcome(id = "0, -1, -1", expect = ACCEPTABLE, desc = "not published yet")
@Outcome(id = "1, 8, 42", expect = ACCEPTABLE, desc = "published and whole")
@Outcome(id = "1, .*", expect = FORBIDDEN, desc = "published but the subscriber sees a part of it")
@State
public class CommitStress {
    private static final long SLOT = SegmentLayout.RING_OFFSET + 64;
    private static final long PAYLOAD = SLOT + SegmentLayout.SLOT_HEADER_LENGTH;
    private final MemorySegment segment = Arena.ofAuto().allocate(SLOT + 128, 64);

    public CommitStress() {
        segment.set(ValueLayout.JAVA_LONG, SLOT + SegmentLayout.SLOT_SEQUENCE, SegmentLayout.WRITING);
    }

    @Actor
    public void publisher() {
        segment.set(ValueLayout.JAVA_LONG, PAYLOAD, 42);
        SlotProtocol.commitSlot(segment, SLOT, 8, 1234, 0);
        SlotProtocol.commitRing(segment, SegmentLayout.RING_OFFSET, 0);
        SlotProtocol.commitTail(segment, 1);
    }

    @Actor
    public void subscriber(JJJ_Result r) {
        long tail = SlotProtocol.tail(segment);
        r.r1 = tail;
        if (tail > 0 && SlotProtocol.settledSequence(segment, SLOT + SegmentLayout.SLOT_SEQUENCE, 0) == 0) {
            r.r2 = segment.get(ValueLayout.JAVA_LONG, SLOT + SegmentLayout.SLOT_LENGTH);
            r.r3 = segment.get(ValueLayout.JAVA_LONG, PAYLOAD);
        } else if (tail > 0) {
            r.r2 = -2; // published, yet the slot does not say so: a torn commit
            r.r3 = -2;
        } else {
            r.r2 = -1;
            r.r3 = -1;
        }
    }
}
