package io.sluice.cli.topic;

import io.sluice.msg.CdrTree;
import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A decoded message as {@code ros2 topic echo} prints it: block YAML, two spaces per level, arrays as {@code - }
 * items, an array longer than the shown length ended by {@code - '...'}, or with {@code --no-arr} replaced by
 * {@code '<sequence type: uint8, length: 921600>'}.
 */
final class YamlText {
    /** Plain scalars YAML would read as something other than a string. */
    private static final Pattern NEEDS_QUOTES = Pattern.compile(
        "|.*[:#\\[\\]{},&*!|>'\"%@`].*|[-?\\s].*|.*\\s|~|null|Null|NULL|true|True|TRUE|false|False|FALSE|yes|Yes|YES"
            + "|no|No|NO|on|On|ON|off|Off|OFF|[-+]?(\\.[0-9]+|[0-9][0-9_]*(\\.[0-9_]*)?)([eE][-+]?[0-9]+)?"
            + "|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)|0x[0-9a-fA-F]+|0o[0-7]+", Pattern.DOTALL);

    private final boolean noArrays;
    private final StringBuilder text = new StringBuilder();

    private YamlText(boolean noArrays) {
        this.noArrays = noArrays;
    }

    /** The message, or one field's value ({@code --field}), as YAML lines; each line ends with a newline. */
    static String render(Object value, boolean noArrays) {
        YamlText yaml = new YamlText(noArrays);
        if (value instanceof CdrTree tree) {
            yaml.tree(tree, "", false);
        } else if (value instanceof List<?> || value instanceof CdrTree.Bulk) {
            yaml.array(value, null, "");
        } else {
            yaml.text.append(scalar(value)).append('\n');
        }
        return yaml.text.toString();
    }

    /** The fields of {@code tree} at {@code indent}; the first on the current line when it follows an item's dash. */
    private void tree(CdrTree tree, String indent, boolean afterDash) {
        if (tree.fields().isEmpty()) {
            text.append(afterDash ? "" : indent).append("structure_needs_at_least_one_member: 0\n"); // as ros2 shows it
            return;
        }
        boolean first = true;
        for (CdrTree.Field field : tree.fields()) {
            text.append(first && afterDash ? "" : indent).append(field.name()).append(':');
            first = false;
            value(field.value(), field.type(), indent);
        }
    }

    private void value(Object value, String type, String indent) {
        if (value instanceof CdrTree nested) {
            text.append('\n');
            tree(nested, indent + "  ", false);
        } else if (value instanceof List<?> || value instanceof CdrTree.Bulk) {
            array(value, type, indent);
        } else {
            text.append(' ').append(scalar(value)).append('\n');
        }
    }

    private void array(Object value, String type, String indent) {
        List<?> shown = value instanceof CdrTree.Bulk bulk ? bulk.first() : (List<?>) value;
        long length = value instanceof CdrTree.Bulk bulk ? bulk.length() : shown.size();
        if (noArrays && type != null) {
            boolean fixed = type.endsWith("]") && !type.endsWith("[]") && !type.contains("[<=");
            String element = type.substring(0, type.indexOf('['));
            text.append(fixed ? " '<array type: " + type + ">'\n"
                : " '<sequence type: " + element + ", length: " + length + ">'\n");
            return;
        }
        if (length == 0) {
            text.append(type == null ? "[]\n" : " []\n");
            return;
        }
        if (type != null) {
            text.append('\n');
        }
        for (Object element : shown) {
            if (element instanceof CdrTree tree) {
                text.append(indent).append("- ");
                tree(tree, indent + "  ", true);
            } else {
                text.append(indent).append("- ").append(scalar(element)).append('\n');
            }
        }
        if (length > shown.size()) {
            text.append(indent).append("- '...'\n");
        }
    }

    /** One value as a YAML scalar. */
    static String scalar(Object value) {
        return switch (value) {
            case null -> "null";
            case Double number when number.isNaN() -> ".nan";
            case Double number when number.isInfinite() -> number > 0 ? ".inf" : "-.inf";
            case Double number -> floating(number);
            case Long number -> Long.toString(number);
            case BigInteger number -> number.toString();
            case Boolean bool -> bool ? "true" : "false";
            case String string -> string(string);
            default -> String.valueOf(value);
        };
    }

    /**
     * A double as ros2's YAML (PyYAML) writes it: Python's shortest repr, plain between 1e-4 and 1e16
     * ({@code 0.0005}, {@code 1700000000.0}), in exponent form outside with a {@code .0} PyYAML adds so that the text
     * still reads as a float ({@code 1.0e-05}, {@code 1.5e+20}).
     */
    static String floating(double number) {
        if (number == 0) {
            return 1 / number < 0 ? "-0.0" : "0.0";
        }
        java.math.BigDecimal exact = new java.math.BigDecimal(Double.toString(number)); // shortest digits
        double magnitude = Math.abs(number);
        if (magnitude >= 1e-4 && magnitude < 1e16) {
            String plain = exact.stripTrailingZeros().toPlainString();
            return plain.contains(".") ? plain : plain + ".0";
        }
        java.math.BigDecimal unscaled = exact.stripTrailingZeros();
        String digits = unscaled.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - unscaled.scale();
        String mantissa = digits.length() == 1 ? digits + ".0" : digits.charAt(0) + "." + digits.substring(1);
        return (number < 0 ? "-" : "") + mantissa + String.format(Locale.ROOT, "e%s%02d", exponent < 0 ? "-" : "+",
            Math.abs(exponent));
    }

    /** A string as YAML reads it back: plain when it can be, single-quoted, or double-quoted with escapes. */
    static String string(String text) {
        boolean control = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            control |= c < 0x20 || c == 0x7f;
        }
        if (control) {
            StringBuilder quoted = new StringBuilder("\"");
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                switch (c) {
                    case '"' -> quoted.append("\\\"");
                    case '\\' -> quoted.append("\\\\");
                    case '\n' -> quoted.append("\\n");
                    case '\t' -> quoted.append("\\t");
                    case '\r' -> quoted.append("\\r");
                    default -> {
                        if (c < 0x20 || c == 0x7f) {
                            quoted.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
                        } else {
                            quoted.append(c);
                        }
                    }
                }
            }
            return quoted.append('"').toString();
        }
        return NEEDS_QUOTES.matcher(text).matches() ? "'" + text.replace("'", "''") + "'" : text;
    }
}
