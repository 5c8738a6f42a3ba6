package io.sluice.bench.peers;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A Markdown table over items of type {@code T}, defined once by its columns: each column has a title, an
 * alignment and how it prints an item. Cells are made safe for a table (pipes escaped, one line).
 *
 * {@snippet :
 * String table = new MarkdownTable<Measurement>()
 *     .left("peer", Measurement::peer)
 *     .right("p50", row -> PeersFormat.duration(row.figure("p50_ns")))
 *     .render(rows);
 * }
 *
 * @param <T> what one row of the table shows
 */
final class MarkdownTable<T> {
    private record Column<T>(String title, boolean right, Function<? super T, String> cell) {
    }

    private final List<Column<T>> columns = new ArrayList<>();

    /** Adds a left-aligned column (text). */
    MarkdownTable<T> left(String title, Function<? super T, String> cell) {
        columns.add(new Column<>(title, false, cell));
        return this;
    }

    /** Adds a right-aligned column (figures). */
    MarkdownTable<T> right(String title, Function<? super T, String> cell) {
        columns.add(new Column<>(title, true, cell));
        return this;
    }

    /** The table over {@code items}, header and alignment row first, each line ending in a newline. */
    String render(List<? extends T> items) {
        StringBuilder table = new StringBuilder();
        line(table, columns.stream().map(Column::title).toList());
        table.append('|');
        columns.forEach(column -> table.append(column.right() ? "---:|" : "---|"));
        table.append('\n');
        for (T item : items) {
            line(table, columns.stream().map(column -> column.cell().apply(item)).toList());
        }
        return table.toString();
    }

    private static void line(StringBuilder table, List<String> cells) {
        table.append('|');
        for (String cell : cells) {
            table.append(' ').append(escape(cell)).append(" |");
        }
        table.append('\n');
    }

    /** {@code text} as one table cell: pipes escaped, line breaks as spaces. */
    static String escape(String text) {
        return text.replace("|", "\\|").replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ');
    }
}
