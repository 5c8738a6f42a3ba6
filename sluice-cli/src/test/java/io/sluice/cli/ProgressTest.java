package io.sluice.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private long now;

    private String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldPrintAPlainLineEveryFiveSecondsWhenNotOnATerminal() {
        Progress progress = new Progress(err, "play", 4_000_000_000L, Progress.Unit.BYTES, false, () -> now);
        now = 4_000_000_000L;
        progress.update(1_000_000_000L, "frames 10");
        assertEquals("", text(), "nothing before 5 s");
        now = 5_000_000_000L;
        progress.update(2_000_000_000L, "frames 20");
        assertEquals("play  50% 2.00 GB/4.00 GB 400.0 MB/s 5 s  frames 20\n", text());
        progress.finish();
        assertEquals(1, text().lines().count(), "finish adds nothing to a log");
        assertTrue(!text().contains("\r") && !text().contains("#"), text());
    }

    @Test
    void shouldRedrawABarInPlaceOnATerminalAndEndItWithANewline() {
        Progress progress = new Progress(err, "record", 100, Progress.Unit.ITEMS, true, () -> now);
        now = 200_000_000L;
        progress.update(25, "lost 0");
        now = 400_000_000L;
        progress.update(100, "");
        progress.finish();
        String shown = text();
        assertTrue(shown.startsWith("\rrecord [######                  ]  25% 25/100"), shown);
        assertTrue(shown.contains("\rrecord [########################] 100% 100/100"), shown);
        assertTrue(shown.endsWith("\n") && shown.indexOf('\n') == shown.length() - 1, shown);
    }

    @Test
    void shouldShowCountAndRateWhenTheTotalIsUnknown() {
        Progress progress = new Progress(err, "torture", -1, Progress.Unit.ITEMS, false, () -> now);
        now = 10_000_000_000L;
        progress.update(50, "point 3");
        assertEquals("torture 50 5/s 10 s  point 3\n", text());
    }

    @Test
    void shouldPrintALineAboveTheBarWithoutMixingThem() {
        Progress progress = new Progress(err, "peers", 10, Progress.Unit.ITEMS, true, () -> now);
        now = 200_000_000L;
        progress.update(3, "latency");
        int drawn = text().length();
        progress.println(err, "  latency 64B sluice ok");
        String shown = text();
        String wipedPrintedRedrawn = "\r" + " ".repeat(drawn - 1) + "\r  latency 64B sluice ok\n\rpeers [";
        assertTrue(shown.substring(drawn).startsWith(wipedPrintedRedrawn), shown);
        progress.finish();

        bytes.reset();
        Progress log = new Progress(err, "peers", 10, Progress.Unit.ITEMS, false, () -> now);
        log.update(3, "latency");
        log.println(err, "a result");
        assertEquals("a result\n", text(), "on a log, the line only");
    }
}
