package io.sluice;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one waiting concept: immutable strategies, and an idler per waiting thread that counts its rounds. */
class WaitStrategyTest {
    @Test
    void shouldBlockByDefaultEverywhere() {
        assertTrue(SluiceOptions.defaults().waitStrategy().blocks());
        assertFalse(WaitStrategy.spin().blocks());
        assertFalse(WaitStrategy.backoff().blocks());
    }

    @Test
    void shouldNameAndCompareStrategiesByTheirSettings() {
        assertEquals("block", WaitStrategy.block().toString());
        assertEquals("spin", WaitStrategy.spin().toString());
        assertEquals("backoff", WaitStrategy.backoff().toString());
        assertEquals(WaitStrategy.backoff(), WaitStrategy.backoff(200, 20, 1_000_000));
        assertEquals("backoff(5, 1, 2000)", WaitStrategy.backoff(5, 1, 2_000).toString());
        assertNotEquals(WaitStrategy.backoff(), WaitStrategy.backoff(5, 1, 2_000));
        assertEquals(WaitStrategy.backoff(5, 1, 2_000).hashCode(), WaitStrategy.backoff(5, 1, 2_000).hashCode());
    }

    @Test
    void shouldGiveEachWaitingThreadAnIdlerOfItsOwn() {
        WaitStrategy shared = WaitStrategy.spin();
        assertNotSame(shared.idler(), shared.idler());
        assertThrows(IllegalStateException.class, () -> WaitStrategy.block().idler());
    }

    @Test
    void shouldSpinThenYieldThenParkAndSayWhenTheClockIsWorthALook() {
        WaitStrategy.Idler idler = WaitStrategy.backoff(3, 2, 4_000).idler();
        assertFalse(idler.idle(), "spin 1");
        assertFalse(idler.idle(), "spin 2");
        assertFalse(idler.idle(), "spin 3");
        assertTrue(idler.idle(), "yield 1");
        assertTrue(idler.idle(), "yield 2");
        assertTrue(idler.idle(), "park 1 µs");
        idler.idle(1); // work found: start over
        assertFalse(idler.idle(), "spins again after work");
    }

    @Test
    void shouldLookAtTheClockEvery1024SpinsWhenSpinning() {
        WaitStrategy.Idler idler = WaitStrategy.spin().idler();
        int due = 0;
        for (int round = 0; round < 4096; round++) {
            due += idler.idle() ? 1 : 0;
        }
        assertEquals(4, due);
    }

    @Test
    void shouldRefuseNonsenseSettings() {
        assertThrows(IllegalArgumentException.class, () -> WaitStrategy.backoff(-1, 0, 1_000));
        assertThrows(IllegalArgumentException.class, () -> WaitStrategy.backoff(0, -1, 1_000));
        assertThrows(IllegalArgumentException.class, () -> WaitStrategy.backoff(0, 0, 999));
    }
}
