package io.sluice.msggen;

/**
 * Text from {@code .msg} files made safe for Java source: string literals and Javadoc. Generated sources are plain
 * ASCII whatever the {@code .msg} text holds, so they compile under any source encoding, and no text can end a
 * comment, start a Javadoc tag or smuggle in a unicode escape.
 */
final class JavaText {
    private JavaText() {
    }

    /** {@code text} as a Java string literal, quotes included. */
    static String literal(String text) {
        StringBuilder literal = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> literal.append("\\\"");
                case '\\' -> literal.append("\\\\");
                case '\n' -> literal.append("\\n");
                case '\r' -> literal.append("\\r");
                case '\t' -> literal.append("\\t");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        literal.append(String.format("\\u%04x", (int) c));
                    } else {
                        literal.append(c);
                    }
                }
            }
        }
        return literal.append('"').toString();
    }

    /** {@code text} for a Javadoc comment, HTML: {@code & < > @ \ / *} and non-ASCII as character references. */
    static String html(String text) {
        StringBuilder html = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> html.append("&amp;");
                case '<' -> html.append("&lt;");
                case '>' -> html.append("&gt;");
                case '@' -> html.append("&#64;");
                case '\\' -> html.append("&#92;");
                case '/' -> html.append(i > 0 && text.charAt(i - 1) == '*' ? "&#47;" : "/");
                case '\t' -> html.append(c);
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < text.length()
                        && Character.isLowSurrogate(text.charAt(i + 1))) {
                        html.append("&#x").append(Integer.toHexString(Character.toCodePoint(c, text.charAt(++i))))
                            .append(';');
                    } else if (c < 0x20 || c > 0x7e) {
                        html.append("&#x").append(Integer.toHexString(c)).append(';');
                    } else {
                        html.append(c);
                    }
                }
            }
        }
        return html.toString();
    }

    /** {@code text} as inline code in Javadoc: {@code {@code text}} when that is safe, else HTML {@code <code>}. */
    static String code(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '{' || c == '}' || c == '@' || c == '\\' || c == '*') {
                return "<code>" + html(text) + "</code>";
            }
        }
        return "{@code " + text + "}";
    }

    /** The lines of a {@code <pre>} block of {@code text} in a Javadoc comment, each starting with {@code " * "}. */
    static String pre(String text) {
        StringBuilder pre = new StringBuilder(" * <pre>\n");
        String body = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        for (String line : body.split("\n", -1)) {
            String escaped = html(line.stripTrailing());
            pre.append(escaped.isEmpty() ? " *" : " * " + escaped).append('\n');
        }
        return pre.append(" * </pre>\n").toString();
    }
}
