package io.sluice.bench.peers;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * Plots as SVG 1.1 text, written by hand: a line chart (each series a polyline with a marker per point, a legend
 * below) and a bar chart with a dashed reference line. Self-contained: no CSS, no script, no external font; a white
 * background so the plots read on a dark page too.
 */
final class SvgChart {
    static final int WIDTH = 720;

    private static final int LEFT = 92;
    private static final int RIGHT = 24;
    private static final int TOP = 52;
    private static final int PLOT_HEIGHT = 300;
    private static final int PLOT_WIDTH = WIDTH - LEFT - RIGHT;
    private static final int LEGEND_COLUMNS = 2; // labels of up to ~45 characters fit side by side
    private static final int LEGEND_ROW = 20;
    private static final int LEGEND_MARGIN = 24;
    private static final double MARKER = 4.5;

    /**
     * Okabe–Ito's colour-blind safe palette, then darker extras, enough for every peer of a run to have its own;
     * paired with {@link #MARKERS} shapes.
     */
    private static final List<String> COLOURS = List.of("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00",
        "#56B4E9", "#000000", "#9A8400", "#7F3C8D", "#8C564B", "#E41A1C", "#7F7F7F", "#17BECF", "#BCBD22", "#1B5E20",
        "#F781BF");
    private static final int MARKERS = 8;

    /** A labelled tick. */
    record Tick(double value, String label) {
    }

    /**
     * An axis: its title (with the unit), its range, log or linear, and its ticks.
     *
     * @param min the value at the start of the axis (positive when log)
     * @param max the value at the end
     */
    record Axis(String title, double min, double max, boolean log, List<Tick> ticks) {
        /** A log axis over whole decades covering {@code values}, a tick at each decade. */
        static Axis logDecades(String title, List<Double> values, DoubleFunction<String> label) {
            double low = Math.floor(Math.log10(values.stream().mapToDouble(Double::doubleValue).min().orElse(1)));
            double high = Math.ceil(Math.log10(values.stream().mapToDouble(Double::doubleValue).max().orElse(10)));
            if (high <= low) {
                high = low + 1;
            }
            List<Tick> ticks = new ArrayList<>();
            for (double decade = low; decade <= high; decade++) {
                double value = Math.pow(10, decade);
                ticks.add(new Tick(value, trimZeros(label.apply(value))));
            }
            return new Axis(title, Math.pow(10, low), Math.pow(10, high), true, ticks);
        }

        /** A log axis with a tick at each of {@code values} (e.g. the message sizes measured), padded both ends. */
        static Axis logAt(String title, List<Double> values, DoubleFunction<String> label) {
            List<Double> sorted = values.stream().distinct().sorted().toList();
            double low = sorted.getFirst() / 1.6;
            double high = sorted.getLast() * 1.6;
            return new Axis(title, low, high, true, sorted.stream().map(v -> new Tick(v, label.apply(v))).toList());
        }

        /** A linear axis from 0 to a round number at or above {@code max}, five or so ticks. */
        static Axis linear(String title, double max, DoubleFunction<String> label) {
            double raw = Math.max(max, 1e-9) / 5;
            double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
            double step = raw <= magnitude ? magnitude : raw <= 2 * magnitude ? 2 * magnitude
                : raw <= 5 * magnitude ? 5 * magnitude : 10 * magnitude;
            double top = Math.ceil(max / step - 1e-9) * step;
            List<Tick> ticks = new ArrayList<>();
            for (double value = 0; value <= top + step / 2; value += step) {
                ticks.add(new Tick(value, trimZeros(label.apply(value))));
            }
            return new Axis(title, 0, top, false, ticks);
        }

        /** Where {@code value} lies along the axis, 0 at {@link #min} to 1 at {@link #max}. */
        double fraction(double value) {
            if (log) {
                return (Math.log10(value) - Math.log10(min)) / (Math.log10(max) - Math.log10(min));
            }
            return (value - min) / (max - min);
        }
    }

    /** How one series (one peer) is drawn, the same in every plot. */
    record Style(String colour, int marker, boolean dashed, boolean bold) {
        /** The style of the {@code index}-th peer; spinning peers dashed, Sluice's drawn bold. */
        static Style of(int index, boolean spin, boolean bold) {
            return new Style(COLOURS.get(index % COLOURS.size()), index % MARKERS, spin, bold);
        }
    }

    /** A line: its legend name, style and points as {@code {x, y}}. */
    record Series(String name, Style style, List<double[]> points) {
    }

    /** A bar: its name under it, style, value and the text over it. */
    record Bar(String name, Style style, double value, String valueText) {
    }

    private final StringBuilder svg = new StringBuilder(8192);

    private SvgChart() {
    }

    /** A line chart of {@code series} (each at least one point) over the two axes. */
    static String lines(String title, Axis x, Axis y, List<Series> series) {
        int legendRows = (series.size() + LEGEND_COLUMNS - 1) / LEGEND_COLUMNS;
        int legendTop = TOP + PLOT_HEIGHT + 66;
        SvgChart chart = new SvgChart();
        chart.open(title, legendTop + legendRows * LEGEND_ROW + 8);
        chart.yAxis(y);
        chart.xAxis(x);
        for (Series line : series) {
            chart.series(line, x, y);
        }
        for (int index = 0; index < series.size(); index++) {
            chart.legendEntry(series.get(index), index, legendTop);
        }
        return chart.close();
    }

    /** A bar chart of {@code bars} with a dashed line at {@code reference}, labelled {@code referenceText}. */
    static String bars(String title, Axis y, List<Bar> bars, double reference, String referenceText) {
        SvgChart chart = new SvgChart();
        chart.open(title, TOP + PLOT_HEIGHT + 112);
        chart.yAxis(y);
        chart.frame();
        double slot = (double) PLOT_WIDTH / bars.size();
        for (int index = 0; index < bars.size(); index++) {
            chart.bar(bars.get(index), LEFT + slot * (index + 0.5), slot * 0.6, y);
        }
        double referenceY = chart.y(y, reference);
        chart.element("<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"#444444\" stroke-width=\"1.5\""
            + " stroke-dasharray=\"7 4\"/>", LEFT, referenceY, LEFT + PLOT_WIDTH, referenceY);
        chart.text(LEFT + PLOT_WIDTH - 4, referenceY - 6, "end", "", referenceText);
        return chart.close();
    }

    private void open(String title, int height) {
        svg.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        element("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%s\" height=\"%s\""
                + " viewBox=\"0 0 %s %s\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"13\">",
            WIDTH, height, WIDTH, height);
        svg.append("<title>").append(escape(title)).append("</title>\n");
        element("<rect x=\"0\" y=\"0\" width=\"%s\" height=\"%s\" fill=\"#ffffff\"/>", WIDTH, height);
        text(WIDTH / 2.0, 28, "middle", " font-size=\"16\" font-weight=\"bold\"", title);
    }

    private String close() {
        svg.append("</svg>\n");
        return svg.toString();
    }

    private void frame() {
        element("<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" fill=\"none\" stroke=\"#888888\"/>",
            LEFT, TOP, PLOT_WIDTH, PLOT_HEIGHT);
    }

    private void yAxis(Axis axis) {
        for (Tick tick : axis.ticks()) {
            double y = y(axis, tick.value());
            element("<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"#dddddd\"/>", LEFT, y, LEFT + PLOT_WIDTH, y);
            text(LEFT - 8, y + 4, "end", "", tick.label());
        }
        double middle = TOP + PLOT_HEIGHT / 2.0;
        element("<text x=\"18\" y=\"%s\" text-anchor=\"middle\" transform=\"rotate(-90 18 %s)\">%s</text>",
            middle, middle, escape(axis.title()));
    }

    private void xAxis(Axis axis) {
        for (Tick tick : axis.ticks()) {
            double x = x(axis, tick.value());
            element("<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"#dddddd\"/>", x, TOP, x, TOP + PLOT_HEIGHT);
            text(x, TOP + PLOT_HEIGHT + 18, "middle", "", tick.label());
        }
        frame();
        text(LEFT + PLOT_WIDTH / 2.0, TOP + PLOT_HEIGHT + 42, "middle", "", axis.title());
    }

    private void series(Series line, Axis xAxis, Axis yAxis) {
        List<double[]> points = line.points().stream().sorted(Comparator.comparingDouble(point -> point[0])).toList();
        StringBuilder coordinates = new StringBuilder();
        for (double[] point : points) {
            coordinates.append(coordinates.isEmpty() ? "" : " ")
                .append(number(x(xAxis, point[0]))).append(',').append(number(y(yAxis, point[1])));
        }
        element("<polyline class=\"series\" fill=\"none\" stroke=\"%s\" stroke-width=\"%s\"%s points=\"%s\"/>",
            line.style().colour(), line.style().bold() ? "2.5" : "1.5", dash(line.style()), coordinates);
        for (double[] point : points) {
            marker(line.style(), x(xAxis, point[0]), y(yAxis, point[1]));
        }
    }

    private void legendEntry(Series line, int index, int legendTop) {
        double columnWidth = (double) (WIDTH - 2 * LEGEND_MARGIN) / LEGEND_COLUMNS;
        double x = LEGEND_MARGIN + columnWidth * (index % LEGEND_COLUMNS);
        double y = legendTop + LEGEND_ROW * (index / LEGEND_COLUMNS);
        element("<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"%s\" stroke-width=\"%s\"%s/>",
            x, y, x + 28, y, line.style().colour(), line.style().bold() ? "2.5" : "1.5", dash(line.style()));
        marker(line.style(), x + 14, y);
        text(x + 36, y + 4, "start", "", line.name());
    }

    private void bar(Bar bar, double centre, double width, Axis axis) {
        double top = y(axis, Math.max(bar.value(), axis.min()));
        element("<rect class=\"bar\" x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" fill=\"%s\"/>",
            centre - width / 2, top, width, TOP + PLOT_HEIGHT - top, bar.style().colour());
        text(centre, top - 6, "middle", "", bar.valueText());
        double labelY = TOP + PLOT_HEIGHT + 16;
        element("<text x=\"%s\" y=\"%s\" text-anchor=\"end\" transform=\"rotate(-30 %s %s)\">%s</text>",
            centre + 4, labelY, centre + 4, labelY, escape(bar.name()));
    }

    private void marker(Style style, double x, double y) {
        double r = MARKER;
        String colour = style.colour();
        switch (style.marker()) {
            case 0 -> element("<circle cx=\"%s\" cy=\"%s\" r=\"%s\" fill=\"%s\"/>", x, y, r, colour);
            case 1 -> element("<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" fill=\"%s\"/>",
                x - r, y - r, 2 * r, 2 * r, colour);
            case 2 -> polygon(colour, x, y - r * 1.2, x + r * 1.1, y + r * 0.8, x - r * 1.1, y + r * 0.8);
            case 3 -> polygon(colour, x, y - r * 1.3, x + r * 1.3, y, x, y + r * 1.3, x - r * 1.3, y);
            case 4 -> polygon(colour, x, y + r * 1.2, x + r * 1.1, y - r * 0.8, x - r * 1.1, y - r * 0.8);
            case 5 -> element("<path d=\"M %s %s L %s %s M %s %s L %s %s\" stroke=\"%s\" stroke-width=\"2.5\"/>",
                x - r, y - r, x + r, y + r, x - r, y + r, x + r, y - r, colour);
            case 6 -> element("<path d=\"M %s %s L %s %s M %s %s L %s %s\" stroke=\"%s\" stroke-width=\"2.5\"/>",
                x - r * 1.2, y, x + r * 1.2, y, x, y - r * 1.2, x, y + r * 1.2, colour);
            default -> element("<circle cx=\"%s\" cy=\"%s\" r=\"%s\" fill=\"#ffffff\" stroke=\"%s\""
                + " stroke-width=\"2\"/>", x, y, r, colour);
        }
    }

    private void polygon(String colour, double... coordinates) {
        StringBuilder points = new StringBuilder();
        for (int index = 0; index < coordinates.length; index += 2) {
            points.append(index == 0 ? "" : " ").append(number(coordinates[index])).append(',')
                .append(number(coordinates[index + 1]));
        }
        element("<polygon points=\"%s\" fill=\"%s\"/>", points, colour);
    }

    private double x(Axis axis, double value) {
        return LEFT + axis.fraction(value) * PLOT_WIDTH;
    }

    private double y(Axis axis, double value) {
        return TOP + PLOT_HEIGHT - axis.fraction(value) * PLOT_HEIGHT;
    }

    private void text(double x, double y, String anchor, String attributes, String text) {
        element("<text x=\"%s\" y=\"%s\" text-anchor=\"%s\"%s>%s</text>", x, y, anchor, attributes, escape(text));
    }

    /** Appends {@code template} with each {@code %s} filled: numbers to one decimal, text as given. */
    private void element(String template, Object... values) {
        Object[] filled = new Object[values.length];
        for (int index = 0; index < values.length; index++) {
            filled[index] = values[index] instanceof Number number ? number(number.doubleValue()) : values[index];
        }
        svg.append(String.format(Locale.ROOT, template, filled)).append('\n');
    }

    private static String dash(Style style) {
        return style.dashed() ? " stroke-dasharray=\"6 3\"" : "";
    }

    private static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.1f", value);
    }

    /** A tick label without a redundant fraction: {@code 1.00 µs} is {@code 1 µs}, {@code 10.0 k} is {@code 10 k}. */
    static String trimZeros(String label) {
        return label.replaceAll("\\.0+(?![0-9])", "");
    }

    /** {@code text} safe inside an XML element or attribute. */
    static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length());
        for (int index = 0; index < text.length(); index++) {
            char character = text.charAt(index);
            switch (character) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&apos;");
                default -> {
                    if (character >= 0x20 || character == '\t' || character == '\n') {
                        escaped.append(character);
                    }
                }
            }
        }
        return escaped.toString();
    }
}
