package io.sluice.cli.demo;

import java.lang.foreign.MemorySegment;
import java.util.zip.CRC32C;

/** Checks that a received frame is intact (see {@link FrameLayout}). Used by one thread. */
final class FrameVerifier {
    private final CRC32C crc = new CRC32C();

    /** True when {@code frame} is {@code expectedBytes} long, its padding is zero and its checksum matches. */
    boolean isIntact(MemorySegment frame, long expectedBytes) {
        if (frame.byteSize() != expectedBytes || expectedBytes < FrameLayout.DATA_OFFSET) {
            return false;
        }
        return FrameLayout.paddingIsZero(frame)
            && FrameLayout.checksum(frame) == FrameLayout.computeChecksum(frame, crc);
    }
}
