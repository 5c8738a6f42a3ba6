package io.sluice.bench.peers;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/**
 * How the peers report prints its figures: durations, sizes, rates and ratios, each in one consistent style, and
 * {@value #NONE} where there is no figure.
 */
final class PeersFormat {
    /** The cell of a figure that does not exist (no counterpart, not measured). */
    static final String NONE = "—";

    private static final long KIB = 1L << 10;
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;

    private PeersFormat() {
    }

    /**
     * A duration in nanoseconds: below 1 µs in whole ns ({@code 850 ns}), then three significant figures in µs, ms
     * or s ({@code 12.3 µs}, {@code 4.36 ms}).
     */
    static String duration(double nanos) {
        if (!Double.isFinite(nanos)) {
            return NONE;
        }
        if (nanos < 999.5) {
            return Math.round(nanos) + " ns";
        }
        if (nanos < 999_500) {
            return significant(nanos / 1e3, 3) + " µs";
        }
        if (nanos < 999_500_000) {
            return significant(nanos / 1e6, 3) + " ms";
        }
        return significant(nanos / 1e9, 3) + " s";
    }

    /**
     * A message size: whole binary units where the size is one ({@code 64 B}, {@code 1 KiB}, {@code 44 MiB}),
     * otherwise decimal units to three significant figures ({@code 68567040} is {@code 68.6 MB}).
     */
    static String size(long bytes) {
        if (bytes < KIB) {
            return bytes + " B";
        }
        if (bytes % GIB == 0) {
            return bytes / GIB + " GiB";
        }
        if (bytes % MIB == 0) {
            return bytes / MIB + " MiB";
        }
        if (bytes % KIB == 0 && bytes < MIB) {
            return bytes / KIB + " KiB";
        }
        if (bytes >= 1_000_000_000L) {
            return significant(bytes / 1e9, 3) + " GB";
        }
        if (bytes >= 1_000_000L) {
            return significant(bytes / 1e6, 3) + " MB";
        }
        return significant(bytes / 1e3, 3) + " kB";
    }

    /** A ratio to two significant figures with a times sign: {@code 0.52×}, {@code 1.0×}, {@code 23×}. */
    static String ratio(double ratio) {
        return Double.isFinite(ratio) ? significant(ratio, 2) + "×" : NONE;
    }

    /** Events per second to three significant figures with k, M or G: {@code 396}, {@code 25.1 k}, {@code 6.57 M}. */
    static String rate(double perSecond) {
        if (!Double.isFinite(perSecond)) {
            return NONE;
        }
        if (perSecond >= 999.5e6) {
            return significant(perSecond / 1e9, 3) + " G";
        }
        if (perSecond >= 999.5e3) {
            return significant(perSecond / 1e6, 3) + " M";
        }
        if (perSecond >= 999.5) {
            return significant(perSecond / 1e3, 3) + " k";
        }
        return significant(perSecond, 3);
    }

    /** A plain figure to three significant figures, thousands grouped: {@code 0.420}, {@code 26.3}, {@code 166,000}. */
    static String plain(double value) {
        return Double.isFinite(value) ? significant(value, 3) : NONE;
    }

    /** A frequency: {@code 30 Hz}, {@code 12.5 Hz}. */
    static String hertz(double hertz) {
        if (!Double.isFinite(hertz)) {
            return NONE;
        }
        return (hertz == Math.rint(hertz) ? Long.toString((long) hertz) : significant(hertz, 3)) + " Hz";
    }

    /** A whole count, thousands grouped: {@code 0}, {@code 1,234}. */
    static String count(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%,d", Math.round(value)) : NONE;
    }

    /** A percentage to one decimal: {@code 99.7%}. */
    static String percent(double percent) {
        return Double.isFinite(percent) ? String.format(Locale.ROOT, "%.1f%%", percent) : NONE;
    }

    /** {@code value} rounded to {@code digits} significant figures, trailing zeros kept, thousands grouped. */
    static String significant(double value, int digits) {
        if (value == 0) {
            return "0";
        }
        BigDecimal rounded = new BigDecimal(value).round(new MathContext(digits));
        if (rounded.abs().compareTo(BigDecimal.valueOf(1000)) >= 0) {
            return String.format(Locale.ROOT, "%,d", rounded.longValue());
        }
        int magnitude = rounded.precision() - rounded.scale() - 1; // 2 for 123, -1 for 0.5
        int scale = digits - 1 - magnitude;
        return rounded.setScale(Math.max(scale, 0)).toPlainString();
    }
}
