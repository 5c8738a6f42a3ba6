package io.sluice.cli.torture;

import io.sluice.FaultPoints;
import io.sluice.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

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
            code = Main.run(new String[] {"torture", "--runs", "1"}, out, err);
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

    /** {@code sluice torture ARGS}: its exit code; what it printed in {@link #out} and {@link #err}. */
    private static int run(String... args) {
        OUT.reset();
        ERR.reset();
        String[] command = new String[args.length + 1];
        command[0] = "torture";
        System.arraycopy(args, 0, command, 1, args.length);
        try (PrintStream out = new PrintStream(OUT, true, StandardCharsets.UTF_8);
             PrintStream err = new PrintStream(ERR, true, StandardCharsets.UTF_8)) {
            return Main.run(command, out, err);
        }
    }

    private static final ByteArrayOutputStream OUT = new ByteArrayOutputStream();
    private static final ByteArrayOutputStream ERR = new ByteArrayOutputStream();

    private static TortureCommand.Options parse(String... args) {
        TortureCommand.Cli cli = new TortureCommand.Cli(System.out, System.err);
        new CommandLine(cli).parseArgs(args);
        return cli.options();
    }

    @Test
    void shouldRejectBadArgumentsInOneLineWithExitCode2() {
        for (String[] bad : new String[][] {{"--runs", "0"}, {"--modes", "kill"}, {"--only", "nowhere"},
            {"--soak", "10"}, {"--resume"}, {"--ledger", "l", "--resume", "--soak", "1h"}, {"--runs", "many"},
            {"--frobnicate"}}) {
            assertEquals(2, run(bad), String.join(" ", bad));
            String message = ERR.toString(StandardCharsets.UTF_8);
            assertTrue(message.startsWith("sluice torture: ") && message.endsWith("(sluice torture --help)\n")
                && message.strip().lines().count() == 1, message);
            assertEquals("", OUT.toString(StandardCharsets.UTF_8), "nothing ran");
        }
        assertEquals(java.time.Duration.ofHours(1), parse("--soak", "1h").soak());
        assertEquals(List.of("halt", "stop"), parse().modes());
        assertEquals(3, parse().runs());
        assertEquals(List.of("stop"), parse("--modes", "stop").modes());
        assertEquals(7L, parse("--seed", "7").seed());
        assertTrue(parse("--ledger", "l", "--resume", "--runs", "5").resume());
    }

    @Test
    void shouldCompleteItsOptionsAndFaultPoints() {
        assertEquals(0, run("--help"));
        assertTrue(OUT.toString(StandardCharsets.UTF_8).contains("--soak=DURATION"), OUT.toString());
        OUT.reset();
        try (PrintStream out = new PrintStream(OUT, true, StandardCharsets.UTF_8)) {
            assertEquals(0, Main.run(new String[] {"completion"}, out, out));
        }
        String script = OUT.toString(StandardCharsets.UTF_8);
        assertTrue(script.contains("--ledger") && script.contains("--resume") && script.contains("publisher.tail-stored"),
            "torture's options and fault points in the completion script");
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
            code = Main.run(new String[] {"torture", "--only", "publisher.row-active", "--modes", "halt", "--runs", "2",
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
            code = Main.run(new String[] {"torture", "--ledger", ledger.toString(), "--resume"}, out, err);
        }
        assertEquals(2, code);
        assertTrue(errBytes.toString(StandardCharsets.UTF_8).contains("ledger line 1"));
    }
}
