package io.sluice.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of a long command on standard error: a bar redrawn in place on a terminal, plain lines otherwise (a log,
 * a pipe, CI), so that redirected output stays readable.
 *
 * <p>On a terminal the line is redrawn at most every 100 ms; otherwise one line is printed every {@code 5 s} (and none
 * for a command that ends sooner). {@link #finish} ends the bar with a newline. The total may be unknown
 * ({@code -1}): then the line shows the count and the rate only. One thread uses a {@code Progress}.
 *
 * {@snippet :
 * try (Progress progress = Progress.start(System.err, "play", bytes, Progress.Unit.BYTES)) {
 *     for (...) {
 *         progress.update(done, "frames " + frames);
 *     }
 * }
 * }
 */
public final class Progress implements AutoCloseable {
    /** How the counts read. */
    public enum Unit {
        /** Shown in kB, MB, GB. */
        BYTES,
        /** Shown as plain numbers. */
        ITEMS
    }

    private static final long REDRAW_NANOS = 100_000_000L;
    private static final long LINE_NANOS = 5_000_000_000L;
    private static final int BAR_WIDTH = 24;

    private final PrintStream err;
    private final String label;
    private final long total;
    private final Unit unit;
    private final boolean terminal;
    private final LongSupplier clock;
    private final long started;
    private long lastShown;
    private long done;
    private String detail = "";
    private int drawnLength;
    private boolean finished;

    Progress(PrintStream err, String label, long total, Unit unit, boolean terminal, LongSupplier clock) {
        this.err = err;
        this.label = label;
        this.total = total;
        this.unit = unit;
        this.terminal = terminal;
        this.clock = clock;
        this.started = clock.getAsLong();
        this.lastShown = started;
    }

    /**
     * A progress line for {@code label} out of {@code total} (-1: unknown), drawn as a bar when standard error is a
     * terminal.
     */
    public static Progress start(PrintStream err, String label, long total, Unit unit) {
        java.io.Console console = System.console();
        boolean terminal = err == System.err && console != null && console.isTerminal()
            && !"dumb".equals(System.getenv("TERM"));
        return new Progress(err, label, total, unit, terminal, System::nanoTime);
    }

    /** Sets the count done so far and a short detail shown after it; draws when it is time to. */
    public void update(long done, String detail) {
        this.done = done;
        this.detail = detail == null ? "" : detail;
        long now = clock.getAsLong();
        if (now - lastShown >= (terminal ? REDRAW_NANOS : LINE_NANOS)) {
            lastShown = now;
            show(now);
        }
    }

    /** {@link #update(long, String)} with no detail. */
    public void update(long done) {
        update(done, detail);
    }

    /** Ends the bar (the terminal's line is finished with a newline); later calls do nothing. */
    public void finish() {
        if (finished) {
            return;
        }
        finished = true;
        if (terminal) {
            show(clock.getAsLong());
            err.print('\n');
            err.flush();
        }
    }

    @Override
    public void close() {
        finish();
    }

    /**
     * Prints {@code line} on {@code stream} (standard output, say: a result as it comes) as a line of its own: on a
     * terminal the bar is wiped from its line first and drawn again below the printed line, so the two never mix.
     */
    public void println(PrintStream stream, String line) {
        boolean redraw = terminal && !finished && drawnLength > 0;
        if (redraw) {
            err.print("\r" + " ".repeat(drawnLength) + "\r");
            err.flush();
            drawnLength = 0;
        }
        stream.println(line);
        stream.flush();
        if (redraw) {
            show(clock.getAsLong());
        }
    }

    /** The text of the line at time {@code now}. */
    String line(long now) {
        double seconds = Math.max(1e-9, (now - started) / 1e9);
        StringBuilder text = new StringBuilder(label).append(' ');
        if (total > 0) {
            double fraction = Math.min(1.0, Math.max(0.0, (double) done / total));
            if (terminal) {
                int filled = (int) Math.round(fraction * BAR_WIDTH);
                text.append('[').append("#".repeat(filled)).append(" ".repeat(BAR_WIDTH - filled)).append("] ");
            }
            text.append(String.format(Locale.ROOT, "%3.0f%% %s/%s", fraction * 100, amount(done), amount(total)));
        } else {
            text.append(amount(done));
        }
        text.append(String.format(Locale.ROOT, " %s/s %.0f s", amount((long) (done / seconds)), seconds));
        if (!detail.isEmpty()) {
            text.append("  ").append(detail);
        }
        return text.toString();
    }

    private void show(long now) {
        String text = line(now);
        if (terminal) {
            int pad = Math.max(0, drawnLength - text.length());
            err.print("\r" + text + " ".repeat(pad));
            drawnLength = text.length();
        } else {
            err.println(text);
        }
        err.flush();
    }

    private String amount(long value) {
        if (unit == Unit.ITEMS) {
            return Long.toString(value);
        }
        if (value >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.2f GB", value / 1e9);
        }
        if (value >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.1f MB", value / 1e6);
        }
        return String.format(Locale.ROOT, "%.1f kB", value / 1e3);
    }
}
