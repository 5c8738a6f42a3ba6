package io.sluice.exec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class MpscRingTest {

    @Test
    void shouldRejectCapacityThatIsNotAPowerOfTwoOfAtLeastTwo() {
        assertEquals("capacity is not a power of two: capacity=3",
            assertThrows(IllegalArgumentException.class, () -> new MpscRing<>(3)).getMessage());
        assertEquals("capacity is not a power of two: capacity=1000",
            assertThrows(IllegalArgumentException.class, () -> new MpscRing<>(1000)).getMessage());
        assertEquals("capacity < 2: capacity=1",
            assertThrows(IllegalArgumentException.class, () -> new MpscRing<>(1)).getMessage());
        assertEquals("capacity < 2: capacity=0",
            assertThrows(IllegalArgumentException.class, () -> new MpscRing<>(0)).getMessage());
        assertEquals("capacity < 2: capacity=-4",
            assertThrows(IllegalArgumentException.class, () -> new MpscRing<>(-4)).getMessage());
        assertEquals(2, new MpscRing<>(2).capacity());
        assertEquals(1 << 20, new MpscRing<>(1 << 20).capacity());
    }

    @Test
    void shouldRejectNullEventAndNegativeLimit() {
        MpscRing<String> ring = new MpscRing<>(4);
        assertEquals("event == null", assertThrows(NullPointerException.class, () -> ring.offer(null)).getMessage());
        assertEquals("limit < 0: limit=-1",
            assertThrows(IllegalArgumentException.class, () -> ring.drain(e -> { }, -1)).getMessage());
        assertEquals(0, ring.size());
    }

    @Test
    void shouldReturnNullWhenEmpty() {
        MpscRing<String> ring = new MpscRing<>(4);
        assertNull(ring.poll());
        assertEquals(0, ring.drain(e -> { }, 10));
        assertEquals(0, ring.size());
        assertTrue(ring.offer("a"));
        assertEquals("a", ring.poll());
        assertNull(ring.poll());
    }

    @Test
    void shouldRefuseOfferWhenFullAndAcceptAgainAfterPoll() {
        MpscRing<Integer> ring = new MpscRing<>(4);
        for (int i = 0; i < 4; i++) {
            assertTrue(ring.offer(i), "offer " + i);
            assertEquals(i + 1, ring.size());
        }
        assertFalse(ring.offer(4));
        assertFalse(ring.offer(4));
        assertEquals(4, ring.size());
        assertEquals(0, ring.poll());
        assertTrue(ring.offer(4));
        assertFalse(ring.offer(5));
        for (int i = 1; i <= 4; i++) {
            assertEquals(i, ring.poll());
        }
        assertNull(ring.poll());
    }

    @Test
    void shouldStayFifoAcrossManyWrapArounds() {
        MpscRing<Long> ring = new MpscRing<>(2);
        long next = 0;
        long expected = 0;
        for (int round = 0; round < 50_000; round++) {
            int burst = 1 + round % 3; // 1, 2, 3: the last one finds the ring full
            for (int i = 0; i < burst; i++) {
                if (ring.offer(next)) {
                    next++;
                } else {
                    assertEquals(2, ring.size(), "refused only when full");
                }
            }
            for (Long event = ring.poll(); event != null; event = ring.poll()) {
                assertEquals(expected++, event);
            }
        }
        assertEquals(next, expected);
        assertTrue(next > 2 * 40_000, "wrapped many times: " + next);
    }

    @Test
    void shouldDrainAtMostLimitInOrder() {
        MpscRing<Integer> ring = new MpscRing<>(16);
        for (int i = 0; i < 10; i++) {
            assertTrue(ring.offer(i));
        }
        List<Integer> seen = new ArrayList<>();
        assertEquals(0, ring.drain(seen::add, 0));
        assertEquals(4, ring.drain(seen::add, 4));
        assertEquals(List.of(0, 1, 2, 3), seen);
        assertEquals(6, ring.size());
        assertEquals(6, ring.drain(seen::add, 100));
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), seen);
        assertEquals(0, ring.size());
        assertNull(ring.poll());
    }

    @Test
    void shouldKeepLaterEventsWhenHandlerThrows() {
        MpscRing<Integer> ring = new MpscRing<>(8);
        for (int i = 0; i < 5; i++) {
            assertTrue(ring.offer(i));
        }
        List<Integer> seen = new ArrayList<>();
        assertThrows(IllegalStateException.class, () -> ring.drain(event -> {
            seen.add(event);
            if (event == 1) {
                throw new IllegalStateException("handler fails on 1");
            }
        }, 10));
        assertEquals(List.of(0, 1), seen);
        assertEquals(3, ring.size());
        assertEquals(2, ring.poll());
    }

    @Test
    void shouldClearSlotAfterPollAndDrain() throws ReflectiveOperationException {
        MpscRing<Object> ring = new MpscRing<>(4);
        Field field = MpscRing.class.getDeclaredField("events");
        field.setAccessible(true);
        Object[] slots = (Object[]) field.get(ring);
        Object first = new Object();
        Object second = new Object();
        Object third = new Object();
        assertTrue(ring.offer(first));
        assertTrue(ring.offer(second));
        assertTrue(ring.offer(third));
        assertSame(first, slots[0]);
        assertSame(first, ring.poll());
        assertNull(slots[0], "slot cleared after poll");
        assertEquals(2, ring.drain(event -> { }, 2));
        assertNull(slots[1], "slot cleared after drain");
        assertNull(slots[2], "slot cleared after drain");
        for (Object slot : slots) {
            assertNull(slot);
        }
    }
}
