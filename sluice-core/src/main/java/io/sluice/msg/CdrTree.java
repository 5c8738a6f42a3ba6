package io.sluice.msg;

import java.util.List;

/**
 * A message decoded by {@link CdrReader} without its Java class: its type and its fields in order.
 *
 * <p>Field values are {@link Boolean}, {@link Long} (every integer type; {@code uint64} above {@link Long#MAX_VALUE}
 * as {@link java.math.BigInteger}), {@link Double} ({@code float32} widened exactly), {@link String}, a nested
 * {@link CdrTree}, a {@link List} of those for arrays, or a {@link Bulk} for an array longer than the reader's
 * limit.
 *
 * @param type   the message type, {@code package/msg/Name}
 * @param fields the fields, in wire order
 */
public record CdrTree(String type, List<Field> fields) {
    public CdrTree {
        fields = List.copyOf(fields);
    }

    /**
     * One field of a decoded message.
     *
     * @param name   the field name
     * @param type   its type as written in {@code .msg} files
     * @param offset where its value starts in the message
     * @param value  its value (see {@link CdrTree})
     */
    public record Field(String name, String type, long offset, Object value) {
    }

    /**
     * An array shown by its length and first elements.
     *
     * @param elementType the element type
     * @param length      how many elements the array has
     * @param offset      where its first element is in the message
     * @param first       its first elements
     */
    public record Bulk(String elementType, long length, long offset, List<Object> first) {
        public Bulk {
            first = List.copyOf(first);
        }
    }

    /** The value at {@code path}: field names separated by dots, array elements by {@code [i]}; {@code null} if none. */
    public Object get(String path) {
        Object current = this;
        for (String part : path.split("\\.")) {
            String name = part;
            int index = -1;
            int bracket = part.indexOf('[');
            if (bracket >= 0 && part.endsWith("]")) {
                name = part.substring(0, bracket);
                index = Integer.parseInt(part.substring(bracket + 1, part.length() - 1));
            }
            if (!(current instanceof CdrTree tree)) {
                return null;
            }
            current = null;
            for (Field field : tree.fields) {
                if (field.name.equals(name)) {
                    current = field.value;
                }
            }
            if (index >= 0) {
                if (current instanceof List<?> list && index < list.size()) {
                    current = list.get(index);
                } else if (current instanceof Bulk bulk && index < bulk.first.size()) {
                    current = bulk.first.get(index);
                } else {
                    return null;
                }
            }
        }
        return current;
    }

    /** The tree as indented {@code name: value} lines, bulk arrays as their length and first elements. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        render(text, "");
        return text.toString();
    }

    private void render(StringBuilder text, String indent) {
        for (Field field : fields) {
            text.append(indent).append(field.name).append(':');
            renderValue(text, indent, field.value);
        }
    }

    private static void renderValue(StringBuilder text, String indent, Object value) {
        switch (value) {
            case CdrTree tree -> {
                text.append('\n');
                tree.render(text, indent + "  ");
            }
            case Bulk bulk when !bulk.first.isEmpty() && bulk.first.getFirst() instanceof CdrTree -> {
                text.append(' ').append(bulk.elementType).append('[').append(bulk.length).append("], the first ")
                    .append(bulk.first.size()).append(":\n");
                for (Object element : bulk.first) {
                    text.append(indent).append("  -\n");
                    ((CdrTree) element).render(text, indent + "    ");
                }
            }
            case Bulk bulk -> text.append(' ').append(bulk.elementType).append('[').append(bulk.length)
                .append("] ").append(bulk.first).append(bulk.length > bulk.first.size() ? " ...\n" : "\n");
            case List<?> list when !list.isEmpty() && list.getFirst() instanceof CdrTree -> {
                text.append('\n');
                for (Object element : list) {
                    text.append(indent).append("  -\n");
                    ((CdrTree) element).render(text, indent + "    ");
                }
            }
            case String string -> text.append(' ').append(quote(string)).append('\n');
            case List<?> list -> {
                text.append(" [");
                for (int i = 0; i < list.size(); i++) {
                    text.append(i == 0 ? "" : ", ");
                    text.append(list.get(i) instanceof String s ? quote(s) : String.valueOf(list.get(i)));
                }
                text.append("]\n");
            }
            default -> text.append(' ').append(value).append('\n');
        }
    }

    private static String quote(String value) {
        StringBuilder quoted = new StringBuilder("\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                default -> {
                    if (c < 0x20) {
                        quoted.append(String.format("\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }
}
