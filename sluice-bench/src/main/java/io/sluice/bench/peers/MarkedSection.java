package io.sluice.bench.peers;

import java.util.List;

/**
 * A generated section of a Markdown document, kept between two marker lines (HTML comments) so that the next run
 * replaces exactly it and nothing written by hand. Every operation is idempotent: applying it to its own result
 * changes nothing.
 */
final class MarkedSection {
    private MarkedSection() {
    }

    /**
     * {@code document} with {@code section} between the markers {@code begin} and {@code end}: in place of what the
     * markers held; without markers, in place of the Markdown section headed by {@code section}'s first line (up to
     * the next heading of the same or a higher level, outside code fences); without that heading, at the end.
     */
    static String replace(String document, String begin, String end, String section) {
        String block = block(begin, end, section);
        String between = replaceBetween(document, begin, end, block);
        if (between != null) {
            return between;
        }
        String heading = section.strip().lines().findFirst().orElse("");
        List<String> lines = document.lines().toList();
        int start = headingLine(lines, heading);
        if (start < 0) {
            return append(document, block);
        }
        int next = nextHeading(lines, start, level(heading));
        StringBuilder result = new StringBuilder();
        lines.subList(0, start).forEach(line -> result.append(line).append('\n'));
        result.append(block).append('\n');
        if (next < lines.size()) {
            result.append('\n');
            lines.subList(next, lines.size()).forEach(line -> result.append(line).append('\n'));
        }
        return result.toString();
    }

    /**
     * {@code document} with {@code section} between the markers {@code begin} and {@code end}: in place of what the
     * markers held; without markers, just before the line {@code beforeHeading} (e.g. {@code ## Building}); without
     * that line, at the end.
     */
    static String insert(String document, String begin, String end, String section, String beforeHeading) {
        String block = block(begin, end, section);
        String between = replaceBetween(document, begin, end, block);
        if (between != null) {
            return between;
        }
        List<String> lines = document.lines().toList();
        int before = headingLine(lines, beforeHeading);
        if (before < 0) {
            return append(document, block);
        }
        StringBuilder result = new StringBuilder();
        lines.subList(0, before).forEach(line -> result.append(line).append('\n'));
        result.append(block).append("\n\n");
        lines.subList(before, lines.size()).forEach(line -> result.append(line).append('\n'));
        return result.toString();
    }

    private static String block(String begin, String end, String section) {
        return begin + "\n" + section.strip() + "\n" + end;
    }

    /** {@code document} with the markers and what they hold replaced by {@code block}, or null without markers. */
    private static String replaceBetween(String document, String begin, String end, String block) {
        int from = document.indexOf(begin);
        int to = from < 0 ? -1 : document.indexOf(end, from + begin.length());
        if (to < 0) {
            return null;
        }
        return document.substring(0, from) + block + document.substring(to + end.length());
    }

    private static String append(String document, String block) {
        String body = document.stripTrailing();
        return (body.isEmpty() ? "" : body + "\n\n") + block + "\n";
    }

    /** The index of the line that is exactly {@code heading} outside code fences, or -1. */
    private static int headingLine(List<String> lines, String heading) {
        boolean fenced = false;
        for (int index = 0; index < lines.size(); index++) {
            String line = lines.get(index);
            fenced ^= isFence(line);
            if (!fenced && line.strip().equals(heading.strip())) {
                return index;
            }
        }
        return -1;
    }

    /** The first heading after {@code start} of level {@code level} or higher, outside code fences; or the end. */
    private static int nextHeading(List<String> lines, int start, int level) {
        boolean fenced = false;
        for (int index = start + 1; index < lines.size(); index++) {
            String line = lines.get(index);
            fenced ^= isFence(line);
            int lineLevel = level(line);
            if (!fenced && lineLevel > 0 && lineLevel <= level) {
                return index;
            }
        }
        return lines.size();
    }

    /** The level of a Markdown heading line ({@code ## x} is 2), 0 when it is not one. */
    private static int level(String line) {
        int hashes = 0;
        while (hashes < line.length() && line.charAt(hashes) == '#') {
            hashes++;
        }
        return hashes > 0 && hashes <= 6 && hashes < line.length() && line.charAt(hashes) == ' ' ? hashes : 0;
    }

    private static boolean isFence(String line) {
        String stripped = line.stripLeading();
        return stripped.startsWith("```") || stripped.startsWith("~~~");
    }
}
