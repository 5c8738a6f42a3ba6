package io.sluice.record;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.zip.CRC32;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

class Crc32CombineTest {
    @Property(tries = 300)
    void shouldGiveTheCrcOfBothStringsOneAfterTheOther(@ForAll @Size(max = 300) byte[] first,
                                                       @ForAll @Size(max = 3000) byte[] second) {
        byte[] both = new byte[first.length + second.length];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        assertEquals(crc(both), Crc32Combine.combine(crc(first), crc(second), second.length));
    }

    @Property(tries = 20)
    void shouldCombineLongStringsOfZerosAsTheirLengthSays(@ForAll @Size(max = 64) byte[] first) {
        byte[] zeros = new byte[1 << 20];
        byte[] both = new byte[first.length + zeros.length];
        System.arraycopy(first, 0, both, 0, first.length);
        assertEquals(crc(both), Crc32Combine.combine(crc(first), crc(zeros), zeros.length));
    }

    private static long crc(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return crc.getValue();
    }
}
