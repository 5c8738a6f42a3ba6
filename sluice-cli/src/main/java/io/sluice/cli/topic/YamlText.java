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
            case String string -> NEEDS_QUOTES.matcher(string).matches() || string.contains("\n")
                ? "'" + string.replace("'", "''").replace("\n", "\\n") + "'" : string;
            default -> String.valueOf(value);
        };
    }

    /** A double as Python prints it: {@code 1.0}, {@code 0.001}, {@code 1e-05}, {@code 1.5e+20}. */
    private static String floating(double number) {
        String text = Double.toString(number);
        int exponent = text.indexOf('E');
        if (exponent < 0) {
            return text;
        }
        String mantissa = text.substring(0, exponent);
        if (mantissa.endsWith(".0")) {
            mantissa = mantissa.substring(0, mantissa.length() - 2);
        }
        int power = Integer.parseInt(text.substring(exponent + 1));
        return mantissa + String.format(Locale.ROOT, "e%s%02d", power < 0 ? "-" : "+", Math.abs(power));
    }
}
