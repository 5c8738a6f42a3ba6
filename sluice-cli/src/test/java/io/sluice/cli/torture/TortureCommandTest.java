package io.sluice.cli.torture;

import io.sluice.FaultPoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fault-injection matrix, one run per point and mode: a process halted (as by kill -9) or stopped (SIGSTOP,
 * then SIGCONT) at each point of the transport's protocols, and the others checked for silent loss, over-counting,
 * torn or disordered samples and leftover files. {@code sluice torture --runs N} runs as many as asked.
 */
class TortureCommandTest {
    private static final Pattern ROW = Pattern.compile("^(\\S+) (halt|stop)\\s+(\\d+)\\s+(\\d+) \\|.*$");

    @Test
    @Timeout(600)
    void shouldFindNoSilentLossNoLeftoverAndReachEveryPointInEveryMode() {
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        int code;
        try (PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
             PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8)) {
            code = TortureCommand.run(new String[] {"--runs", "1"}, out, err);
        }
        String report = outBytes.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, report);
        int rows = 0;
        for (String line : report.split("\n")) {
            Matcher row = ROW.matcher(line);
            if (row.matches()) {
                rows++;
                assertEquals(row.group(3), row.group(4), "every run reached its point: " + line);
            }
        }
        assertEquals(2 * FaultPoints.labels().size(), rows, report);
        int points = FaultPoints.labels().size();
        assertTrue(report.contains((2 * points) + " passed, 0 failed"), report);
    }

    @Test
    void shouldKnowHowToReachEveryFaultPoint() {
        List<TorturePoint> points = TorturePoint.all();
        assertEquals(FaultPoints.labels().size(), points.size());
        assertTrue(FaultPoints.labels().contains("publisher.tail-stored"));
    }

    @Test
    void shouldRejectBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> TortureCommand.parse(new String[] {"--runs", "0"}));
        assertThrows(IllegalArgumentException.class, () -> TortureCommand.parse(new String[] {"--modes", "kill"}));
        assertThrows(IllegalArgumentException.class, () -> TortureCommand.parse(new String[] {"--only", "nowhere"}));
        assertThrows(IllegalArgumentException.class, () -> TortureCommand.parse(new String[] {"--soak", "10"}));
        assertEquals(java.time.Duration.ofHours(1), TortureCommand.parse(new String[] {"--soak", "1h"}).soak());
        assertThrows(IllegalArgumentException.class, () -> TortureCommand.parse(new String[] {"--resume"}));
        assertThrows(IllegalArgumentException.class, () -> TortureCommand.parse(
            new String[] {"--ledger", "l", "--resume", "--soak", "1h"}));
        assertTrue(TortureCommand.parse(new String[] {"--ledger", "l", "--resume", "--runs", "5"}).resume());
    }

    @Test
    @Timeout(60)
    void shouldResumeFromTheLedgerCountingItsFailuresAndRunningOnlyWhatIsMissing(@TempDir Path directory)
        throws Exception {
        Path ledger = directory.resolve("runs.ledger");
        Files.writeString(ledger, String.join("\n",
            "publisher.row-active\thalt\t1\tlatest\ttrue\ttrue\tlatest:0/0/0/120\tqueue:0/0/0/80\t0\t5",
            "publisher.row-active\thalt\t1\tqueue\ttrue\tfalse\tlatest:0/0/0/130\tqueue:2/0/0/90\t1\t7",
            ""));
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        int code;
        try (PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
             PrintStream err = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)) {
            code = TortureCommand.run(new String[] {"--only", "publisher.row-active", "--modes", "halt", "--runs", "2",
                "--ledger", ledger.toString(), "--resume"}, out, err);
        }
        String report = outBytes.toString(StandardCharsets.UTF_8);
        assertEquals(1, code, report);
        assertTrue(report.contains("resumed: 2 runs"), report);
        assertTrue(report.contains("0 runs in"), report);
        assertTrue(report.contains("(and 2 from the ledger)"), report);
        assertTrue(report.contains("1 passed, 1 failed"), report);
        // runs 2, reached 2; latest 0/0/0, queue 2 silent; 1 file left; worst block 0.1 ms (130 µs)
        Matcher row = Pattern.compile(
            "(?m)^publisher.row-active halt\\s+2\\s+2 \\| 0/0/0\\s+\\| 2/0/0 .*\\|\\s+1\\s+0.1$").matcher(report);
        assertTrue(row.find(), report);
    }

    @Test
    void shouldRefuseALedgerItCannotRead(@TempDir Path directory) throws Exception {
        Path ledger = directory.resolve("runs.ledger");
        Files.writeString(ledger, "publisher.row-active\thalt\tnot a ledger\n");
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        int code;
        try (PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
             PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8)) {
            code = TortureCommand.run(new String[] {"--ledger", ledger.toString(), "--resume"}, out, err);
        }
        assertEquals(2, code);
        assertTrue(errBytes.toString(StandardCharsets.UTF_8).contains("ledger line 1"));
    }
}
