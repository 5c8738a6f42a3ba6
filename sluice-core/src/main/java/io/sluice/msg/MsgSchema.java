package io.sluice.msg;

import java.util.ArrayList;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A ROS 2 message schema: a root {@code .msg} definition and the definitions it depends on, in the text format MCAP
 * calls {@code ros2msg} and rosbag2 writes: the root's {@code .msg} text, then for each dependency a line of 80
 * {@code =}, a line {@code MSG: package/Name} and that type's text.
 *
 * {@snippet :
 * MsgSchema schema = MsgSchema.parse("std_msgs/msg/Header", "builtin_interfaces/Time stamp\nstring frame_id\n"
 *     + "=".repeat(80) + "\nMSG: builtin_interfaces/Time\nint32 sec\nuint32 nanosec\n");
 * }
 *
 * <p>Parsing is strict about what it cannot represent (unknown types, recursion, malformed array bounds) and names the
 * type and line of every problem in a {@link SchemaException}; it never trusts sizes from the text beyond the limits
 * below.
 *
 * @param root         the root type
 * @param dependencies the other types, each once, in the order of the text
 */
public record MsgSchema(MsgDefinition root, List<MsgDefinition> dependencies) {
    /** The separator line between definitions. */
    public static final String SEPARATOR = "=".repeat(80);
    /** Longest schema text accepted, in characters. */
    public static final int MAX_TEXT = 1 << 20;
    /** Longest fixed array or bound accepted. */
    public static final int MAX_ARRAY_LENGTH = 1 << 24;
    /** Deepest nesting of messages accepted. */
    public static final int MAX_DEPTH = 32;
    /**
     * Largest body of a default message accepted (strings and sequences empty), in bytes, padding counted as if
     * every field needed the most: fixed arrays of messages multiply, so a short text can ask for terabytes.
     */
    public static final long MAX_DEFAULT_SIZE = 1 << 28;

    private static final Pattern TYPE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*(/(msg/)?[A-Za-z][A-Za-z0-9_]*)?");
    private static final Pattern FIELD_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

    public MsgSchema {
        dependencies = List.copyOf(dependencies);
    }

    /** The schema as text, root first: what a topic carries and an MCAP file records. */
    public String text() {
        StringBuilder text = new StringBuilder(root.text());
        for (MsgDefinition dependency : dependencies) {
            appendSection(text, dependency.shortName(), dependency.text());
        }
        return text.toString();
    }

    /** The definition named {@code name} ({@code pkg/msg/Name} or {@code pkg/Name}), or {@code null}. */
    public MsgDefinition definition(String name) {
        String full = canonical(name, root.packageName());
        if (root.name().equals(full)) {
            return root;
        }
        for (MsgDefinition dependency : dependencies) {
            if (dependency.name().equals(full)) {
                return dependency;
            }
        }
        return null;
    }

    /**
     * Parses schema text in the {@code ros2msg} format.
     *
     * @param rootName the root type, {@code package/msg/Name} or {@code package/Name}
     * @throws SchemaException when the text does not parse or a type does not resolve
     */
    public static MsgSchema parse(String rootName, String text) {
        checkRootName(rootName);
        if (text == null) {
            throw new SchemaException(rootName + ": schema text is null");
        }
        if (text.length() > MAX_TEXT) {
            throw new SchemaException(rootName + ": schema text longer than " + MAX_TEXT + " characters: length="
                + text.length());
        }
        String rootFull = canonical(rootName, null);
        Map<String, Section> sections = new LinkedHashMap<>();
        String current = rootFull;
        StringBuilder body = new StringBuilder();
        int bodyLine = 1;
        String[] lines = text.split("\r\n|\r|\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (isSeparator(line)) {
                addSection(sections, current, body, bodyLine);
                int header = i + 1;
                while (header < lines.length && lines[header].isBlank()) {
                    header++;
                }
                if (header >= lines.length || !lines[header].startsWith("MSG:")) {
                    throw new SchemaException(rootFull + ": line " + (header + 1)
                        + ": expected 'MSG: package/Name' after a separator");
                }
                String name = lines[header].substring(4).trim();
                if (!TYPE_NAME.matcher(name).matches() || name.indexOf('/') < 0) {
                    throw new SchemaException(rootFull + ": line " + (header + 1) + ": bad type name after MSG: "
                        + quote(name));
                }
                current = canonical(name, null);
                body = new StringBuilder();
                bodyLine = header + 2;
                i = header;
            } else if (i < lines.length - 1 || !line.isEmpty()) {
                // the empty string after a final newline is no line: keeping it would add a newline per round trip
                body.append(line).append('\n');
            }
        }
        addSection(sections, current, body, bodyLine);
        Resolver resolver = new Resolver(sections, name -> null);
        MsgDefinition root = resolver.resolve(rootFull, 0, rootFull);
        List<MsgDefinition> dependencies = new ArrayList<>();
        for (String name : sections.keySet()) {
            if (!name.equals(rootFull) && resolver.done.containsKey(name)) {
                dependencies.add(resolver.done.get(name));
            }
        }
        return new MsgSchema(root, dependencies);
    }

    /**
     * Builds the schema of {@code rootName} from single {@code .msg} texts: {@code lookup} gives the text of a type
     * ({@code package/msg/Name}) or {@code null} when there is none. Dependencies are gathered depth first.
     */
    public static MsgSchema compose(String rootName, Function<String, String> lookup) {
        checkRootName(rootName);
        String rootFull = canonical(rootName, null);
        Map<String, Section> sections = new LinkedHashMap<>();
        Resolver resolver = new Resolver(sections, name -> {
            String text = lookup.apply(name);
            return text == null ? null : new Section(name, normalize(text), 1);
        });
        MsgDefinition root = resolver.resolve(rootFull, 0, rootFull);
        List<MsgDefinition> dependencies = new ArrayList<>();
        collect(root, dependencies);
        return new MsgSchema(root, dependencies);
    }

    private static void checkRootName(String rootName) {
        if (rootName == null || !TYPE_NAME.matcher(rootName).matches() || rootName.indexOf('/') < 0) {
            throw new SchemaException("root type name must be package/msg/Name: name=" + rootName);
        }
    }

    private static void collect(MsgDefinition definition, List<MsgDefinition> into) {
        for (MsgField field : definition.fields()) {
            if (field.message() != null && !into.contains(field.message())) {
                into.add(field.message());
                collect(field.message(), into);
            }
        }
    }

    /** {@code pkg/Name} or {@code pkg/msg/Name} as {@code pkg/msg/Name}; a bare {@code Name} in {@code context}. */
    public static String canonical(String name, String contextPackage) {
        int first = name.indexOf('/');
        if (first < 0) {
            return contextPackage == null ? name : contextPackage + "/msg/" + name;
        }
        int last = name.lastIndexOf('/');
        return name.substring(0, first) + "/msg/" + name.substring(last + 1);
    }

    static void appendSection(StringBuilder text, String shortName, String body) {
        if (text.length() > 0 && text.charAt(text.length() - 1) != '\n') {
            text.append('\n');
        }
        text.append(SEPARATOR).append('\n').append("MSG: ").append(shortName).append('\n').append(body);
    }

    private static String normalize(String text) {
        String unix = text.replace("\r\n", "\n").replace('\r', '\n');
        return unix.isEmpty() || unix.endsWith("\n") ? unix : unix + "\n";
    }

    private static boolean isSeparator(String line) {
        String trimmed = line.trim();
        if (trimmed.length() < 3) {
            return false;
        }
        for (int i = 0; i < trimmed.length(); i++) {
            if (trimmed.charAt(i) != '=') {
                return false;
            }
        }
        return true;
    }

    private static void addSection(Map<String, Section> sections, String name, StringBuilder body, int firstLine) {
        if (sections.containsKey(name)) {
            throw new SchemaException(name + ": line " + (firstLine - 1) + ": defined twice in the schema text");
        }
        sections.put(name, new Section(name, body.toString(), firstLine));
    }

    private static String quote(String text) {
        return '"' + (text.length() > 80 ? text.substring(0, 80) + "..." : text) + '"';
    }

    private record Section(String name, String text, int firstLine) {
    }

    /** Resolves sections into definitions, bottom up, refusing recursion and excessive depth. */
    private static final class Resolver {
        private final Map<String, Section> sections;
        private final Function<String, Section> fallback;
        private final Map<String, MsgDefinition> done = new HashMap<>();
        private final Map<String, Boolean> inProgress = new HashMap<>();
        /** Per resolved type, at least the bytes of its default message (see {@link #MAX_DEFAULT_SIZE}). */
        private final Map<String, Long> defaultSizes = new HashMap<>();

        Resolver(Map<String, Section> sections, Function<String, Section> fallback) {
            this.sections = sections;
            this.fallback = fallback;
        }

        /** Resolves {@code name}, referred to {@code from} (a type, or a type and line) for error messages. */
        MsgDefinition resolve(String name, int depth, String from) {
            MsgDefinition known = done.get(name);
            if (known != null) {
                return known;
            }
            if (inProgress.containsKey(name)) {
                throw new SchemaException(from + ": recursive type: " + name + " contains itself");
            }
            if (depth > MAX_DEPTH) {
                throw new SchemaException(from + ": messages nested deeper than " + MAX_DEPTH);
            }
            Section section = sections.get(name);
            if (section == null) {
                section = fallback.apply(name);
                if (section == null) {
                    throw new SchemaException(from + ": unknown type " + name + " (no definition in the schema)");
                }
                sections.put(name, section);
            }
            inProgress.put(name, Boolean.TRUE);
            MsgDefinition definition = parseDefinition(section, depth);
            inProgress.remove(name);
            done.put(name, definition);
            return definition;
        }

        private MsgDefinition parseDefinition(Section section, int depth) {
            String pkg = section.name.substring(0, section.name.indexOf('/'));
            List<MsgField> fields = new ArrayList<>();
            List<MsgConstant> constants = new ArrayList<>();
            Set<String> names = new HashSet<>();
            long defaultSize = 0;
            String[] lines = section.text.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String where = section.name + ": line " + (section.firstLine + i);
                String line = lines[i].strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int space = indexOfWhitespace(line);
                if (space < 0) {
                    throw new SchemaException(where + ": expected 'type name': " + quote(line));
                }
                String type = line.substring(0, space);
                String rest = line.substring(space).strip();
                int equals = rest.indexOf('=');
                int hash = rest.indexOf('#');
                if (equals > 0 && (hash < 0 || equals < hash)
                    && FIELD_NAME.matcher(rest.substring(0, equals).strip()).matches()) {
                    constants.add(parseConstant(where, type, rest.substring(0, equals).strip(),
                        rest.substring(equals + 1).strip()));
                    continue;
                }
                String declaration = stripComment(rest).strip(); // "int32 a#note" as "int32 a # note"
                int nameEnd = indexOfWhitespace(declaration);
                String name = nameEnd < 0 ? declaration : declaration.substring(0, nameEnd);
                String defaultValue = nameEnd < 0 ? null : declaration.substring(nameEnd).strip();
                if (defaultValue != null && defaultValue.isEmpty()) {
                    defaultValue = null;
                }
                if (!FIELD_NAME.matcher(name).matches()) {
                    throw new SchemaException(where + ": bad field name " + quote(name));
                }
                if (!names.add(name)) {
                    throw new SchemaException(where + ": field " + name + " defined twice");
                }
                MsgField field = parseField(where, pkg, type, name, defaultValue, depth);
                fields.add(field);
                defaultSize += defaultSize(field);
                if (defaultSize > MAX_DEFAULT_SIZE) {
                    throw new SchemaException(where + ": the default message of " + section.name + " would take more"
                        + " than " + MAX_DEFAULT_SIZE + " bytes (fixed arrays multiply): " + quote(type));
                }
            }
            defaultSizes.put(section.name, fields.isEmpty() ? 1 : defaultSize);
            return new MsgDefinition(section.name, fields, constants, section.text);
        }

        /** At least the bytes {@code field} takes in a default message: its padding counted as 7, a count as 4. */
        private long defaultSize(MsgField field) {
            long element;
            if (field.message() != null) {
                element = defaultSizes.get(field.message().name());
            } else if (field.primitive().fixedSize()) {
                element = field.primitive().size();
            } else {
                element = 3 + 4 + 1 + (field.defaultValue() == null ? 0
                    : field.defaultValue().getBytes(StandardCharsets.UTF_8).length); // every value of it, at most
            }
            return switch (field.array()) {
                case NONE -> 7 + element;
                case FIXED -> 7 + field.arrayLength() * element;
                case SEQUENCE -> 7 + 4 + (field.defaultValue() == null ? 0
                    : field.defaultValue().length() * element); // at most one value a character
            };
        }

        private MsgField parseField(String where, String pkg, String type, String name, String defaultValue,
                                    int depth) {
            MsgField.Array array = MsgField.Array.NONE;
            int arrayLength = 0;
            String element = type;
            int bracket = type.indexOf('[');
            if (bracket >= 0) {
                if (!type.endsWith("]")) {
                    throw new SchemaException(where + ": unclosed array bracket in type " + quote(type));
                }
                String inside = type.substring(bracket + 1, type.length() - 1);
                element = type.substring(0, bracket);
                if (inside.isEmpty()) {
                    array = MsgField.Array.SEQUENCE;
                } else if (inside.startsWith("<=")) {
                    array = MsgField.Array.SEQUENCE;
                    arrayLength = parseBound(where, inside.substring(2), type);
                } else {
                    array = MsgField.Array.FIXED;
                    arrayLength = parseBound(where, inside, type);
                }
            }
            int stringBound = 0;
            int bound = element.indexOf("<=");
            if (bound >= 0) {
                stringBound = parseBound(where, element.substring(bound + 2), type);
                element = element.substring(0, bound);
                if (!element.equals("string") && !element.equals("wstring")) {
                    throw new SchemaException(where + ": only strings take a bound: " + quote(type));
                }
            }
            Primitive primitive = Primitive.named(element);
            if (primitive == Primitive.WSTRING) {
                throw new SchemaException(where + ": wstring is not supported (its CDR form differs between ROS 2"
                    + " middlewares): " + name);
            }
            if (primitive != null) {
                if (defaultValue != null) {
                    checkDefault(where, primitive, stringBound, array, arrayLength, defaultValue);
                }
                return new MsgField(name, primitive, null, stringBound, array, arrayLength, defaultValue);
            }
            if (!TYPE_NAME.matcher(element).matches()) {
                throw new SchemaException(where + ": bad type " + quote(type));
            }
            String nested = switch (element) {
                case "time" -> "builtin_interfaces/msg/Time";
                case "duration" -> "builtin_interfaces/msg/Duration";
                case "Header" -> element.equals(type) && !sections.containsKey(pkg + "/msg/Header")
                    ? "std_msgs/msg/Header" : canonical(element, pkg);
                default -> canonical(element, pkg);
            };
            if (defaultValue != null) {
                throw new SchemaException(where + ": a field of message type cannot have a default: " + name);
            }
            MsgDefinition message = resolve(nested, depth + 1, where);
            return new MsgField(name, null, message, 0, array, arrayLength, null);
        }

        private static MsgConstant parseConstant(String where, String type, String name, String value) {
            Primitive primitive = Primitive.named(type);
            if (primitive == null) {
                throw new SchemaException(where + ": a constant must have a primitive type: " + quote(type));
            }
            String text = primitive.fixedSize() ? stripComment(value).strip() : unquote(value);
            try {
                MsgLiteral.scalar(primitive, 0, text);
            } catch (IllegalArgumentException e) {
                throw new SchemaException(where + ": bad value of constant " + name + ": " + e.getMessage());
            }
            return new MsgConstant(name, primitive, text);
        }

        /**
         * Checks a default as {@link CdrLayout#writeDefault} will write it (see {@link MsgLiteral}): a value of the
         * field's type and range, and for arrays as many values as a fixed array has, at most a bounded sequence's
         * bound.
         */
        private static void checkDefault(String where, Primitive primitive, int stringBound, MsgField.Array array,
                                         int arrayLength, String text) {
            try {
                if (array == MsgField.Array.NONE) {
                    MsgLiteral.scalar(primitive, stringBound, text);
                    return;
                }
                int count = MsgLiteral.array(primitive, stringBound, text).size();
                if (array == MsgField.Array.FIXED && count != arrayLength) {
                    throw new IllegalArgumentException(count + " values for an array of " + arrayLength);
                }
                if (array == MsgField.Array.SEQUENCE && arrayLength > 0 && count > arrayLength) {
                    throw new IllegalArgumentException(count + " values above the bound " + arrayLength);
                }
            } catch (IllegalArgumentException e) {
                throw new SchemaException(where + ": bad default value for " + primitive.msgName() + ": "
                    + quote(text.strip()) + " (" + e.getMessage() + ")");
            }
        }

        private static String unquote(String value) {
            String text = value.strip();
            if (text.length() >= 2 && (text.startsWith("\"") && text.endsWith("\"")
                || text.startsWith("'") && text.endsWith("'"))) {
                return text.substring(1, text.length() - 1);
            }
            return text;
        }

        private static int parseBound(String where, String digits, String type) {
            if (digits.isEmpty() || digits.length() > 9 || !digits.chars().allMatch(Character::isDigit)) {
                throw new SchemaException(where + ": bad array or string bound in " + quote(type));
            }
            int value = Integer.parseInt(digits);
            if (value < 1 || value > MAX_ARRAY_LENGTH) {
                throw new SchemaException(where + ": bound out of range [1, " + MAX_ARRAY_LENGTH + "] in "
                    + quote(type));
            }
            return value;
        }

        private static String stripComment(String text) {
            boolean quoted = false;
            char quote = 0;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (quoted) {
                    if (c == quote) {
                        quoted = false;
                    }
                } else if (c == '"' || c == '\'') {
                    quoted = true;
                    quote = c;
                } else if (c == '#') {
                    return text.substring(0, i);
                }
            }
            return text;
        }

        private static int indexOfWhitespace(String text) {
            for (int i = 0; i < text.length(); i++) {
                if (Character.isWhitespace(text.charAt(i))) {
                    return i;
                }
            }
            return -1;
        }
    }
}
