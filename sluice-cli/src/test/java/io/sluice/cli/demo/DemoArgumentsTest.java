package io.sluice.cli.demo;

import io.sluice.cli.Main;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoArgumentsTest {
    private static DemoArguments parse(String... args) {
        DemoCommand.Cli cli = new DemoCommand.Cli(System.out, System.err);
        new CommandLine(cli).parseArgs(args);
        return cli.arguments();
    }

    @Test
    void shouldDefaultToTenSecondsOfTables() {
        DemoArguments arguments = parse();

        assertEquals(10.0, arguments.durationSeconds());
        assertFalse(arguments.json());
    }

    @Test
    void shouldReadDurationInBothSpellingsAndJson() {
        assertEquals(2.5, parse("--duration", "2.5").durationSeconds());
        DemoArguments arguments = parse("--json", "--duration=3");
        assertEquals(3.0, arguments.durationSeconds());
        assertTrue(arguments.json());
    }

    @Test
    void shouldRejectWhatItDoesNotUnderstandInOneLineWithExitCode2() {
        for (String[] bad : new String[][] {{"--duration"}, {"--duration", "ten"}, {"--duration", "0"},
            {"--duration", "-1"}, {"--duration", "NaN"}, {"--duration=Infinity"}, {"--fast"}}) {
            assertThrows(CommandLine.ParameterException.class, () -> parse(bad), String.join(" ", bad));
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            String[] args = new String[bad.length + 1];
            args[0] = "demo";
            System.arraycopy(bad, 0, args, 1, bad.length);
            int code = Main.run(args, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
            String message = err.toString(StandardCharsets.UTF_8);
            assertEquals(2, code, message);
            assertTrue(message.startsWith("sluice demo: ") && message.endsWith("(sluice demo --help)\n")
                && message.strip().lines().count() == 1, message);
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
