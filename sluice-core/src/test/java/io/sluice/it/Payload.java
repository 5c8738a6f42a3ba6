package io.sluice.it;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Message contents that tell a whole message from a torn one: the first 8 bytes hold the sequence, every further
 * 8-byte word a value mixed from the sequence and the word's position, the last bytes (past the last whole word) a
 * byte of that mix. A message mixed from two writes, or one overwritten while held, fails {@link #verify} at the
 * first word that came from the other write.
 */
public final class Payload {
    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Payload() {
    }

    static long word(long sequence, long index) {
        if (index == 0) {
            return sequence;
        }
        long x = sequence * 0x9E3779B97F4A7C15L + index * 0xBF58476D1CE4E5B9L;
        x ^= x >>> 31;
        x *= 0x94D049BB133111EBL;
        return x ^ (x >>> 29);
    }

    /** Writes the contents of message {@code sequence} over all of {@code message}. */
    public static void fill(MemorySegment message, long sequence) {
        long size = message.byteSize();
        long words = size / 8;
        for (long i = 0; i < words; i++) {
            message.set(WORD, i * 8, word(sequence, i));
        }
        for (long offset = words * 8; offset < size; offset++) {
            message.set(ValueLayout.JAVA_BYTE, offset, (byte) word(sequence, words + offset));
        }
    }

    /** Whether {@code message} holds exactly the contents {@link #fill} writes for {@code sequence}. */
    public static boolean verify(MemorySegment message, long sequence) {
        long size = message.byteSize();
        long words = size / 8;
        for (long i = 0; i < words; i++) {
            if (message.get(WORD, i * 8) != word(sequence, i)) {
                return false;
            }
        }
        for (long offset = words * 8; offset < size; offset++) {
            if (message.get(ValueLayout.JAVA_BYTE, offset) != (byte) word(sequence, words + offset)) {
                return false;
            }
        }
        return true;
    }

    /** Cheap re-check of a held message: its first and last word (or byte). */
    public static boolean verifyEnds(MemorySegment message, long sequence) {
        long size = message.byteSize();
        if (size < 16) {
            return verify(message, sequence);
        }
        long last = (size / 8 - 1) * 8;
        return message.get(WORD, 0) == sequence && message.get(WORD, last) == word(sequence, last / 8)
            && (size % 8 == 0 || message.get(ValueLayout.JAVA_BYTE, size - 1)
                == (byte) word(sequence, size / 8 + size - 1));
    }
}
