package io.sluice.cli.demo;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoArgumentsTest {
    @Test
    void shouldDefaultToTenSecondsOfTables() {
        DemoArguments arguments = DemoArguments.parse(new String[0]);

        assertEquals(10.0, arguments.durationSeconds());
        assertFalse(arguments.json());
    }

    @Test
    void shouldReadDurationInBothSpellingsAndJson() {
        assertEquals(2.5, DemoArguments.parse(new String[] {"--duration", "2.5"}).durationSeconds());
        DemoArguments arguments = DemoArguments.parse(new String[] {"--json", "--duration=3"});
        assertEquals(3.0, arguments.durationSeconds());
        assertTrue(arguments.json());
    }

    @Test
    void shouldRejectWhatItDoesNotUnderstand() {
        for (String[] bad : new String[][] {{"--duration"}, {"--duration", "ten"}, {"--duration", "0"},
            {"--duration", "-1"}, {"--duration", "NaN"}, {"--duration=Infinity"}, {"--fast"}}) {
            assertThrows(IllegalArgumentException.class, () -> DemoArguments.parse(bad), String.join(" ", bad));
        }
    }

    @Test
    void shouldPickTheDomainFromTheEnvironmentOrThePid() {
        assertEquals(7, DemoDomain.choose(" 7 ", 123));
        assertEquals(DemoDomain.FIRST + 123, DemoDomain.choose(null, 123));
        assertEquals(DemoDomain.FIRST + 5, DemoDomain.choose("", DemoDomain.COUNT * 3L + 5));
        assertThrows(IllegalArgumentException.class, () -> DemoDomain.choose("seven", 1));
        assertThrows(IllegalArgumentException.class, () -> DemoDomain.choose("70000", 1));
    }
}
