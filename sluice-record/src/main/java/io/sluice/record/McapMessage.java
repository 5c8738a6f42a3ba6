package io.sluice.record;

import java.lang.foreign.MemorySegment;

/**
 * A Message record as a reader hands it out.
 *
 * @param channel     the channel it was recorded on
 * @param sequence    the publisher's sequence number, as recorded (MCAP keeps its low 32 bits)
 * @param logTime     when it was recorded, ns (Sluice records the wall clock, Unix epoch)
 * @param publishTime when it was published, ns on the same clock
 * @param data        the message bytes (CDR with its 4-byte encapsulation header in the {@code ros2} profile), read
 *                    only; valid until the reader is closed (a slice of the mapped file for uncompressed chunks)
 */
public record McapMessage(McapChannel channel, long sequence, long logTime, long publishTime, MemorySegment data) {
}
