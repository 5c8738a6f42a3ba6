package io.sluice.record;

/**
 * The CRC-32 (as {@link java.util.zip.CRC32} computes it) of two byte strings one after the other, from the CRC of
 * each and the length of the second: what lets {@link McapWriter} keep the Data End's CRC of the whole data section
 * while it writes a chunk's header only after the chunk's records.
 *
 * <p>The method is Mark Adler's {@code crc32_combine} of zlib (published in its {@code crc32.c}): appending
 * {@code n} zero bytes to a message multiplies its (unconditioned) CRC by a fixed 32x32 matrix over GF(2) raised to
 * the power {@code 8n}; squaring the one-bit operator repeatedly gives that power in {@code O(log n)} matrix
 * products. Re-expressed here from the description, not copied.
 */
final class Crc32Combine {
    /** The reflected CRC-32 polynomial (IEEE 802.3). */
    private static final long POLYNOMIAL = 0xEDB88320L;

    private Crc32Combine() {
    }

    /**
     * @param crcFirst     the CRC-32 of the first string
     * @param crcSecond    the CRC-32 of the second string
     * @param secondLength the second string's length in bytes, at least 0
     * @return the CRC-32 of the first string followed by the second
     */
    static long combine(long crcFirst, long crcSecond, long secondLength) {
        if (secondLength < 0) {
            throw new IllegalArgumentException("secondLength < 0: secondLength=" + secondLength);
        }
        if (secondLength == 0) {
            return crcFirst;
        }
        long[] even = new long[32];
        long[] odd = new long[32];
        // odd = the operator for one zero bit: shift right, feed back the polynomial
        odd[0] = POLYNOMIAL;
        long row = 1;
        for (int n = 1; n < 32; n++) {
            odd[n] = row;
            row <<= 1;
        }
        square(even, odd); // two zero bits
        square(odd, even); // four zero bits
        long crc = crcFirst;
        long remaining = secondLength;
        // apply the operator for each set bit of the length in bytes, squaring from 8 zero bits (one byte) upwards
        do {
            square(even, odd);
            if ((remaining & 1) != 0) {
                crc = times(even, crc);
            }
            remaining >>>= 1;
            if (remaining == 0) {
                break;
            }
            square(odd, even);
            if ((remaining & 1) != 0) {
                crc = times(odd, crc);
            }
            remaining >>>= 1;
        } while (remaining != 0);
        return (crc ^ crcSecond) & 0xFFFF_FFFFL;
    }

    private static long times(long[] matrix, long vector) {
        long sum = 0;
        for (int i = 0; vector != 0; i++, vector >>>= 1) {
            if ((vector & 1) != 0) {
                sum ^= matrix[i];
            }
        }
        return sum;
    }

    private static void square(long[] square, long[] matrix) {
        for (int n = 0; n < 32; n++) {
            square[n] = times(matrix, matrix[n]);
        }
    }
}
