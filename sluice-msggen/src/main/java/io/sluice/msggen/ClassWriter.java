package io.sluice.msggen;

import io.sluice.msg.MsgConstant;
import io.sluice.msg.MsgDefinition;
import io.sluice.msg.MsgField;
import io.sluice.msg.Primitive;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Writes the flyweight class of one message type.
 *
 * <p>The class finds each field by chaining offset methods: {@code at$x()} is where field {@code x} starts, computed
 * from where the field before it ends (aligned as CDR wants, counted from byte 4). Fixed-size fields end by
 * arithmetic; strings and sequences by reading their length, checked against the message's length, the
 * {@code limit} (the segment may run past the message: a slot of shared memory). A static
 * {@code end$(segment, limit, at)} does the same walk for a message nested in another, so a parent never needs the
 * nested class's instance. Loops (arrays of strings or messages) live in small {@code end$x} and {@code at$x(int)}
 * helpers.
 *
 * <p>Names are planned before anything is written: two fields that would give the same method, or a constant that
 * would collide with a generated one, are reported with the lines of both.
 */
final class ClassWriter {
    private static final String RUNTIME = "io.sluice.msg.";

    private final MsgDefinition definition;
    private final String schemaText;
    private final MsgSource source;
    private final String className;
    private final String simpleName;
    private final String superclass;
    private final Function<MsgDefinition, String> classOf;
    private final Set<String> samePackage;
    private final List<String> problems;
    private final List<Plan> plans = new ArrayList<>();
    private final List<ConstantPlan> constants = new ArrayList<>();

    private TypeNames names;

    /**
     * Plans the class; problems (name collisions, bad constants or defaults) are added to {@code problems}.
     *
     * @param definition  the type
     * @param schemaText  its schema text with dependencies, for {@code TYPE}
     * @param source      its {@code .msg} file
     * @param className   the class, qualified
     * @param superclass  the class it extends, qualified
     * @param classOf     the qualified class of each nested type
     * @param samePackage simple names of the other classes in its package
     * @param problems    where problems go, each as {@code file:line: what}
     */
    ClassWriter(MsgDefinition definition, String schemaText, MsgSource source, String className, String superclass,
                Function<MsgDefinition, String> classOf, Set<String> samePackage, List<String> problems) {
        this.definition = definition;
        this.schemaText = schemaText;
        this.source = source;
        this.className = className;
        this.simpleName = TypeNames.simpleName(className);
        this.superclass = superclass;
        this.classOf = classOf;
        this.samePackage = samePackage;
        this.problems = problems;
        plan();
    }

    // ------------------------------------------------------------------------------------------------- planning

    private enum Kind {
        SCALAR, STRING, MESSAGE, FIXED_PRIMITIVES, PRIMITIVE_SEQUENCE, FIXED_STRINGS, STRING_SEQUENCE,
        FIXED_MESSAGES, MESSAGE_SEQUENCE;

        boolean counted() {
            return this == PRIMITIVE_SEQUENCE || this == FIXED_STRINGS || this == STRING_SEQUENCE
                || this == FIXED_MESSAGES || this == MESSAGE_SEQUENCE;
        }

        boolean sequence() {
            return this == PRIMITIVE_SEQUENCE || this == STRING_SEQUENCE || this == MESSAGE_SEQUENCE;
        }

        boolean fixed() {
            return this == FIXED_PRIMITIVES || this == FIXED_STRINGS || this == FIXED_MESSAGES;
        }
    }

    /** The Java side of a fixed-size primitive: type, the suffix of its {@code Cdr} get/put methods, its size. */
    private enum JavaType {
        BOOLEAN("boolean", "Bool"), BYTE("byte", "Byte"), SHORT("short", "Short"), INT("int", "Int"),
        LONG("long", "Long"), FLOAT("float", "Float"), DOUBLE("double", "Double");

        final String name;
        final String access;

        JavaType(String name, String access) {
            this.name = name;
            this.access = access;
        }

        static JavaType of(Primitive primitive) {
            return switch (primitive) {
                case BOOL -> BOOLEAN;
                case BYTE, CHAR, INT8, UINT8 -> BYTE;
                case INT16, UINT16 -> SHORT;
                case INT32, UINT32 -> INT;
                case INT64, UINT64 -> LONG;
                case FLOAT32 -> FLOAT;
                case FLOAT64 -> DOUBLE;
                case STRING, WSTRING -> throw new IllegalArgumentException(primitive.msgName());
            };
        }
    }

    private record Plan(MsgField field, Kind kind, String method, String count, String length) {
        int size() {
            return field.primitive().size();
        }

        boolean bounded() {
            return field.stringBound() > 0;
        }
    }

    private record ConstantPlan(MsgConstant constant, String javaName, String javaType, String value) {
    }

    private void plan() {
        Map<String, String> methods = new LinkedHashMap<>();
        Map<String, String> statics = new LinkedHashMap<>();
        for (String reserved : JavaNames.RESERVED_CONSTANTS) {
            statics.put(reserved, null);
        }
        for (MsgConstant constant : definition.constants()) {
            planConstant(constant, statics);
        }
        for (MsgField field : definition.fields()) {
            Kind kind = kindOf(field);
            String method = JavaNames.member(field.name());
            String count = kind.counted() ? JavaNames.countMember(field.name()) : null;
            String length = kind.fixed() ? JavaNames.upperSnake(field.name()) + "_LENGTH" : null;
            claim(methods, method, field.name(), "method " + method + "()");
            if (count != null) {
                claim(methods, count, field.name(), "method " + count + "()");
            }
            if (length != null) {
                claim(statics, length, field.name(), "constant " + length);
            }
            if (field.defaultValue() != null && kind == Kind.SCALAR) {
                try {
                    javaValue(field.primitive(), field.defaultValue());
                } catch (IllegalArgumentException e) {
                    problems.add(source.at(field.name()) + ": default of " + field.name() + ": " + e.getMessage());
                }
            }
            plans.add(new Plan(field, kind, method, count, length));
        }
        int bytes = schemaText.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > 65535) {
            problems.add(source.where() + ": schema text of " + definition.name() + " with its dependencies has "
                + bytes + " bytes; a Java constant (and a topic) holds at most 65535");
        }
    }

    private void planConstant(MsgConstant constant, Map<String, String> statics) {
        String where = source.at(constant.name());
        if (!JavaNames.ROS_CONSTANT.matcher(constant.name()).matches()) {
            problems.add(where + ": constant name " + constant.name() + " is not UPPER_SNAKE_CASE ([A-Z][A-Z0-9_]*)");
            return;
        }
        String javaName = JavaNames.constant(constant.name());
        claim(statics, javaName, constant.name(), "constant " + javaName);
        String javaType = constant.type() == Primitive.STRING ? "String" : JavaType.of(constant.type()).name;
        try {
            String value = constant.type() == Primitive.STRING ? JavaText.literal(constant.value())
                : javaValue(constant.type(), constant.value());
            constants.add(new ConstantPlan(constant, javaName, javaType, value));
        } catch (IllegalArgumentException e) {
            problems.add(where + ": constant " + constant.name() + ": " + e.getMessage());
        }
    }

    private void claim(Map<String, String> claimed, String name, String owner, String what) {
        if (!claimed.containsKey(name)) {
            claimed.put(name, owner);
            return;
        }
        String other = claimed.get(name);
        if (other == null) {
            problems.add(source.at(owner) + ": " + owner + " would give " + what
                + ", which every generated class declares itself");
        } else {
            problems.add(source.at(owner) + ": " + owner + " and " + other + " (" + source.at(other) + ") both give "
                + what + "; rename one of them");
        }
    }

    private static Kind kindOf(MsgField field) {
        if (field.message() != null) {
            return switch (field.array()) {
                case NONE -> Kind.MESSAGE;
                case FIXED -> Kind.FIXED_MESSAGES;
                case SEQUENCE -> Kind.MESSAGE_SEQUENCE;
            };
        }
        if (field.primitive() == Primitive.STRING) {
            return switch (field.array()) {
                case NONE -> Kind.STRING;
                case FIXED -> Kind.FIXED_STRINGS;
                case SEQUENCE -> Kind.STRING_SEQUENCE;
            };
        }
        if (!field.primitive().fixedSize()) {
            throw new IllegalArgumentException(field.name() + ": " + field.primitive().msgName() + " not supported");
        }
        return switch (field.array()) {
            case NONE -> Kind.SCALAR;
            case FIXED -> Kind.FIXED_PRIMITIVES;
            case SEQUENCE -> Kind.PRIMITIVE_SEQUENCE;
        };
    }

    /** A value of a {@code .msg} file as a Java constant expression of the primitive's Java type. */
    static String javaValue(Primitive primitive, String text) {
        String value = text.strip();
        switch (primitive) {
            case BOOL -> {
                if (value.equalsIgnoreCase("true") || value.equals("1")) {
                    return "true";
                }
                if (value.equalsIgnoreCase("false") || value.equals("0")) {
                    return "false";
                }
                throw new IllegalArgumentException("not a bool (true, false, 1, 0): " + value);
            }
            case FLOAT32 -> {
                String special = special(value, "f");
                if (special != null) {
                    return special;
                }
                float f = Float.parseFloat(decimal(value));
                if (Float.isInfinite(f)) {
                    throw new IllegalArgumentException(value + " out of range for float32");
                }
                return Float.toString(f) + "f";
            }
            case FLOAT64 -> {
                String special = special(value, "");
                if (special != null) {
                    return special;
                }
                double d = Double.parseDouble(decimal(value));
                if (Double.isInfinite(d)) {
                    throw new IllegalArgumentException(value + " out of range for float64");
                }
                return Double.toString(d);
            }
            default -> {
                return integer(primitive, value);
            }
        }
    }

    /** NaN or an infinity as a constant expression that needs no type name; {@code null} for other values. */
    private static String special(String value, String suffix) {
        String lower = value.toLowerCase(Locale.ROOT);
        if (lower.matches("[-+]?nan")) {
            return "0.0" + suffix + " / 0.0" + suffix;
        }
        if (lower.matches("[-+]?inf(inity)?")) {
            return (lower.startsWith("-") ? "-1.0" : "1.0") + suffix + " / 0.0" + suffix;
        }
        return null;
    }

    /** {@code value} when it is a decimal number as written in {@code .msg} files (no hex, no type suffix). */
    private static String decimal(String value) {
        if (!value.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) {
            throw new IllegalArgumentException("not a number: " + value);
        }
        return value;
    }

    private static String integer(Primitive primitive, String value) {
        BigInteger number;
        try {
            String digits = value.startsWith("+") ? value.substring(1) : value;
            boolean negative = digits.startsWith("-");
            String magnitude = negative ? digits.substring(1) : digits;
            if (magnitude.startsWith("-") || magnitude.startsWith("+")) {
                throw new NumberFormatException(value);
            }
            number = magnitude.startsWith("0x") || magnitude.startsWith("0X")
                ? new BigInteger(magnitude.substring(2), 16) : new BigInteger(magnitude, 10);
            number = negative ? number.negate() : number;
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("not an integer: " + value);
        }
        boolean unsigned = switch (primitive) {
            case BYTE, CHAR, UINT8, UINT16, UINT32, UINT64 -> true;
            default -> false;
        };
        int bits = primitive.size() * 8;
        BigInteger min = unsigned ? BigInteger.ZERO : BigInteger.ONE.shiftLeft(bits - 1).negate();
        BigInteger max = unsigned ? BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
            : BigInteger.ONE.shiftLeft(bits - 1).subtract(BigInteger.ONE);
        if (number.compareTo(min) < 0 || number.compareTo(max) > 0) {
            throw new IllegalArgumentException(value + " out of range for " + primitive.msgName() + " [" + min + ", "
                + max + "]");
        }
        return switch (primitive) {
            case BYTE, CHAR, INT8, UINT8 -> "(byte) " + number;
            case INT16, UINT16 -> "(short) " + number;
            case INT32 -> number.toString();
            case UINT32 -> number.bitLength() > 31 ? "0x" + number.toString(16) : number.toString();
            case INT64 -> number + "L";
            case UINT64 -> number.bitLength() > 63 ? "0x" + number.toString(16) + "L" : number + "L";
            default -> throw new IllegalArgumentException(primitive.msgName());
        };
    }

    // -------------------------------------------------------------------------------------------------- writing

    /** The Java source of the class. */
    String write() {
        Set<String> statics = new HashSet<>(JavaNames.RESERVED_CONSTANTS);
        for (ConstantPlan constant : constants) {
            statics.add(constant.javaName);
        }
        for (Plan plan : plans) {
            if (plan.length != null) {
                statics.add(plan.length);
            }
        }
        Set<String> others = new HashSet<>(samePackage);
        others.remove(simpleName);
        names = new TypeNames(className, others, statics);
        String body = body();
        StringBuilder java = new StringBuilder();
        java.append("// Generated by sluice-msggen from ").append(definition.name()).append(".msg. Do not edit.\n");
        String pkg = TypeNames.packageOf(className);
        if (!pkg.isEmpty()) {
            java.append("package ").append(pkg).append(";\n\n");
        }
        String imports = names.importBlock();
        if (!imports.isEmpty()) {
            java.append(imports).append('\n');
        }
        return wrap(java.append(body).toString());
    }

    /**
     * Breaks statements longer than 120 columns after a comma outside string literals (long field names make long
     * offset expressions); comments and the schema text are left alone.
     */
    static String wrap(String source) {
        StringBuilder wrapped = new StringBuilder(source.length() + 256);
        for (String line : source.split("\n", -1)) {
            String rest = line;
            String indent = line.substring(0, line.length() - line.stripLeading().length());
            String trimmed = line.stripLeading();
            boolean code = !trimmed.startsWith("*") && !trimmed.startsWith("/") && !trimmed.startsWith("+ \"");
            while (code && rest.length() > 120) {
                int cut = lastCommaOutsideLiterals(rest, 119);
                if (cut < 0) {
                    break;
                }
                wrapped.append(rest, 0, cut + 1).append('\n');
                rest = indent + "    " + rest.substring(cut + 1).stripLeading();
            }
            wrapped.append(rest).append('\n');
        }
        wrapped.setLength(wrapped.length() - 1);
        return wrapped.toString();
    }

    private static int lastCommaOutsideLiterals(String line, int before) {
        int found = -1;
        boolean quoted = false;
        for (int i = 0; i < Math.min(line.length(), before); i++) {
            char c = line.charAt(i);
            if (c == '\\' && quoted) {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                found = i;
            }
        }
        return found;
    }

    private String body() {
        String string = names.use("java.lang.String");
        String cdrType = names.use(RUNTIME + "CdrType");
        String msgDefinition = names.use(RUNTIME + "MsgDefinition");
        String segmentType = names.use("java.lang.foreign.MemorySegment");
        String base = names.use(superclass);
        StringBuilder out = new StringBuilder();
        out.append("/**\n * ").append(JavaText.code(definition.name())).append(", read and written in place.\n");
        if (!definition.text().isBlank()) {
            out.append(" *\n").append(JavaText.pre(definition.text()));
        }
        out.append(" */\n");
        out.append("public final class ").append(simpleName).append(" extends ").append(base).append(" {\n");
        for (ConstantPlan constant : constants) {
            MsgConstant c = constant.constant;
            String shown = c.type() == Primitive.STRING ? "\"" + c.value() + "\"" : c.value();
            String type = c.type() == Primitive.STRING ? string : constant.javaType;
            doc(out, JavaText.code(c.type().msgName() + " " + c.name() + " = " + shown) + unsignedNote(c.type()));
            out.append("    public static final ").append(type).append(' ').append(constant.javaName).append(" = ")
                .append(constant.value).append(";\n");
        }
        doc(out, "The ROS 2 type name.");
        out.append("    public static final ").append(string).append(" NAME = ")
            .append(JavaText.literal(definition.name())).append(";\n");
        doc(out, "The type: name, schema text, hash and flyweight, for publishers and subscribers.");
        out.append("    public static final ").append(cdrType).append('<').append(simpleName)
            .append("> TYPE = ").append(cdrType).append(".of(NAME, \"\"");
        for (String line : lines(schemaText)) {
            out.append("\n        + ").append(JavaText.literal(line));
        }
        out.append(",\n        ").append(simpleName).append("::new);\n");
        for (Plan plan : plans) {
            if (plan.length != null) {
                doc(out, "Elements of " + declaration(plan.field) + ".");
                out.append("    public static final int ").append(plan.length).append(" = ")
                    .append(plan.field.arrayLength()).append(";\n");
            }
        }
        out.append("    private static final ").append(msgDefinition)
            .append(" DEFINITION = TYPE.msgSchema().root();\n");

        StringBuilder state = new StringBuilder();
        for (Plan plan : plans) {
            switch (plan.kind) {
                case MESSAGE, FIXED_MESSAGES, MESSAGE_SEQUENCE -> state.append("    private ")
                    .append(nested(plan)).append(" view$").append(plan.method).append(";\n");
                case STRING, FIXED_STRINGS, STRING_SEQUENCE -> {
                    String cache = names.use(RUNTIME + "CdrStringCache");
                    state.append("    private final ").append(cache).append(" cache$").append(plan.method)
                        .append(" = new ").append(cache).append("();\n");
                }
                default -> {
                }
            }
        }
        if (state.length() > 0) {
            out.append('\n').append(state);
        }

        String override = names.use("java.lang.Override");
        String article = ("AEIOU".indexOf(simpleName.charAt(0)) >= 0 ? "an" : "a") + " {@code " + simpleName + "}";
        out.append('\n');
        doc(out, "A view of the whole message in {@code segment}, encapsulation header first.");
        out.append("    public ").append(simpleName).append('(').append(segmentType).append(" segment) {\n");
        out.append("        super(segment);\n");
        out.append("    }\n\n");
        doc(out, "A view of " + article + " nested in another message, placed by its parent.");
        out.append("    public ").append(simpleName).append("() {\n");
        out.append("    }\n\n");
        out.append("    @").append(override).append('\n');
        out.append("    public ").append(msgDefinition).append(" cdrDefinition() {\n");
        out.append("        return DEFINITION;\n");
        out.append("    }\n\n");

        writeEnd(out, segmentType, article);
        writeOffsets(out, segmentType);
        for (Plan plan : plans) {
            writeAccessors(out, plan, string);
        }
        trimBlankLine(out);
        out.append("}\n");
        return out.toString();
    }

    private void writeEnd(StringBuilder out, String segmentType, String article) {
        if (plans.isEmpty()) {
            doc(out, "Where " + article + " that starts at {@code at} ends: a message without fields takes one byte.");
            out.append("    public static long end$(").append(segmentType).append(" m, long limit, long at) {\n");
            out.append("        return at + 1;\n");
            out.append("    }\n\n");
            return;
        }
        doc(out, "Where " + article + " that starts at {@code at} in {@code m} ends; checks every length it reads"
            + " against {@code limit}, where the whole message ends.");
        out.append("    public static long end$(").append(segmentType).append(" m, long limit, long at) {\n");
        out.append("        long p = at;\n");
        for (Plan plan : plans) {
            String end = end(plan, "m", start(plan, "p"));
            out.append(end.startsWith("p + ") ? "        p += " + end.substring(4) : "        p = " + end)
                .append(";\n");
        }
        out.append("        return p;\n");
        out.append("    }\n\n");
        for (Plan plan : plans) {
            writeEndHelper(out, plan, segmentType);
        }
    }

    private void writeEndHelper(StringBuilder out, Plan plan, String segmentType) {
        String field = JavaText.literal(plan.field.name());
        String step = switch (plan.kind) {
            case FIXED_STRINGS, STRING_SEQUENCE ->
                cdr() + ".stringEnd(m, limit, " + cdr() + ".align(p, 4), NAME, " + field + ")";
            case FIXED_MESSAGES, MESSAGE_SEQUENCE -> nested(plan) + ".end$(m, limit, p)";
            default -> null;
        };
        if (step == null) {
            return;
        }
        out.append("    private static long end$").append(plan.method).append('(').append(segmentType)
            .append(" m, long limit, long at) {\n");
        String bound;
        if (plan.kind.sequence()) {
            out.append("        int count = ").append(cdr()).append(".count(m, limit, at, ").append(minSize(plan))
                .append(", NAME, ").append(field).append(");\n");
            out.append("        long p = at + 4;\n");
            bound = "count";
        } else {
            out.append("        long p = at;\n");
            bound = plan.length;
        }
        out.append("        for (int k = 0; k < ").append(bound).append("; k++) {\n");
        out.append("            p = ").append(step).append(";\n");
        out.append("        }\n");
        out.append("        return p;\n");
        out.append("    }\n\n");
    }

    private void writeOffsets(StringBuilder out, String segmentType) {
        String previousEnd = "cdrStart()";
        for (Plan plan : plans) {
            out.append("    private long at$").append(plan.method).append("() {\n");
            out.append("        return ").append(start(plan, previousEnd)).append(";\n");
            out.append("    }\n\n");
            writeElementOffset(out, plan);
            previousEnd = end(plan, "segment", "at$" + plan.method + "()");
        }
    }

    private void writeElementOffset(StringBuilder out, Plan plan) {
        String field = JavaText.literal(plan.field.name());
        String step = switch (plan.kind) {
            case FIXED_STRINGS, STRING_SEQUENCE ->
                cdr() + ".align(" + cdr() + ".stringEnd(segment, limit, p, NAME, " + field + "), 4)";
            case FIXED_MESSAGES, MESSAGE_SEQUENCE -> nested(plan) + ".end$(segment, limit, p)";
            default -> null;
        };
        if (step == null) {
            return;
        }
        out.append("    private long at$").append(plan.method).append("(int i) {\n");
        if (plan.kind.sequence()) {
            out.append("        long at = at$").append(plan.method).append("();\n");
            out.append("        ").append(cdr()).append(".checkIndex(i, ").append(cdr())
                .append(".count(segment, limit, at, ")
                .append(minSize(plan)).append(", NAME, ").append(field).append("), NAME, ").append(field)
                .append(");\n");
            out.append("        long p = at + 4;\n");
        } else {
            out.append("        ").append(cdr()).append(".checkIndex(i, ").append(plan.length).append(", NAME, ")
                .append(field).append(");\n");
            out.append("        long p = at$").append(plan.method).append("();\n");
        }
        out.append("        for (int k = 0; k < i; k++) {\n");
        out.append("            p = ").append(step).append(";\n");
        out.append("        }\n");
        out.append("        return p;\n");
        out.append("    }\n\n");
    }

    /** Where {@code plan}'s field starts when the field before it ends at {@code previousEnd}. */
    private String start(Plan plan, String previousEnd) {
        return switch (plan.kind) {
            case SCALAR, FIXED_PRIMITIVES -> plan.size() == 1 ? previousEnd
                : cdr() + ".align(" + previousEnd + ", " + plan.size() + ")";
            case MESSAGE, FIXED_MESSAGES -> previousEnd;
            default -> cdr() + ".align(" + previousEnd + ", 4)";
        };
    }

    /** Where {@code plan}'s field ends when it starts at {@code at} in segment {@code m}, checked against limit. */
    private String end(Plan plan, String m, String at) {
        String field = JavaText.literal(plan.field.name());
        return switch (plan.kind) {
            case SCALAR -> at + " + " + plan.size();
            case FIXED_PRIMITIVES -> at + " + " + (long) plan.size() * plan.field.arrayLength();
            case STRING -> cdr() + ".stringEnd(" + m + ", limit, " + at + ", NAME, " + field + ")";
            case PRIMITIVE_SEQUENCE -> cdr() + ".sequenceEnd(" + m + ", limit, " + at + ", " + plan.size()
                + ", NAME, " + field + ")";
            case MESSAGE -> nested(plan) + ".end$(" + m + ", limit, " + at + ")";
            default -> "end$" + plan.method + "(" + m + ", limit, " + at + ")";
        };
    }

    private static int minSize(Plan plan) {
        if (plan.field.message() != null) {
            return 1;
        }
        return plan.field.primitive().fixedSize() ? plan.size() : 4;
    }

    // ------------------------------------------------------------------------------------------------ accessors

    private void writeAccessors(StringBuilder out, Plan plan, String string) {
        switch (plan.kind) {
            case SCALAR -> writeScalar(out, plan);
            case STRING -> writeString(out, plan, string);
            case MESSAGE -> writeMessage(out, plan);
            case FIXED_PRIMITIVES, PRIMITIVE_SEQUENCE -> writePrimitiveArray(out, plan);
            case FIXED_STRINGS, STRING_SEQUENCE -> writeStringArray(out, plan, string);
            case FIXED_MESSAGES, MESSAGE_SEQUENCE -> writeMessageArray(out, plan);
        }
    }

    private void writeScalar(StringBuilder out, Plan plan) {
        JavaType type = JavaType.of(plan.field.primitive());
        String field = JavaText.literal(plan.field.name());
        String decl = declaration(plan.field);
        doc(out, decl + unsignedNote(plan.field.primitive()));
        out.append("    public ").append(type.name).append(' ').append(plan.method).append("() {\n");
        out.append("        return ").append(cdr()).append(".get").append(type.access).append("(segment, limit, at$")
            .append(plan.method).append("(), NAME, ").append(field).append(");\n");
        out.append("    }\n\n");
        doc(out, "Sets " + decl + ".");
        out.append("    public ").append(simpleName).append(' ').append(plan.method).append('(').append(type.name)
            .append(" value) {\n");
        out.append("        ").append(cdr()).append(".put").append(type.access).append("(segment, limit, at$")
            .append(plan.method).append("(), value, NAME, ").append(field).append(");\n");
        out.append("        return this;\n");
        out.append("    }\n\n");
    }

    private void writeString(StringBuilder out, Plan plan, String string) {
        String field = JavaText.literal(plan.field.name());
        String decl = declaration(plan.field);
        doc(out, decl);
        out.append("    public ").append(string).append(' ').append(plan.method).append("() {\n");
        out.append("        return cache$").append(plan.method).append(".read(segment, limit, at$").append(plan.method)
            .append("(), NAME, ").append(field).append(");\n");
        out.append("    }\n\n");
        doc(out, "Sets " + decl + boundNote(plan) + "; a new length moves the fields after it.");
        out.append("    public ").append(simpleName).append(' ').append(plan.method).append('(').append(string)
            .append(" value) {\n");
        writeBoundCheck(out, plan);
        out.append("        cdrPutString(at$").append(plan.method).append("(), value, ").append(field).append(");\n");
        out.append("        return this;\n");
        out.append("    }\n\n");
    }

    private void writeBoundCheck(StringBuilder out, Plan plan) {
        if (!plan.bounded()) {
            return;
        }
        int bound = plan.field.stringBound();
        out.append("        int length = ").append(cdr()).append(".utf8Length(value);\n");
        out.append("        if (length > ").append(bound).append(") {\n");
        out.append("            throw new ").append(names.use("java.lang.IllegalArgumentException"))
            .append("(NAME + ").append(JavaText.literal("." + plan.field.name() + ": UTF-8 length > " + bound
                + ": length=")).append(" + length);\n");
        out.append("        }\n");
    }

    private static String boundNote(Plan plan) {
        return plan.bounded() ? " (at most " + plan.field.stringBound() + " bytes of UTF-8)" : "";
    }

    private void writeMessage(StringBuilder out, Plan plan) {
        String type = nested(plan);
        doc(out, declaration(plan.field) + ": a view, valid until the next call of this method and while no field"
            + " before it changes size.");
        out.append("    public ").append(type).append(' ').append(plan.method).append("() {\n");
        writeView(out, plan, type);
        out.append("        return cdrPlace(view$").append(plan.method).append(", at$").append(plan.method)
            .append("());\n");
        out.append("    }\n\n");
    }

    private static void writeView(StringBuilder out, Plan plan, String type) {
        out.append("        if (view$").append(plan.method).append(" == null) {\n");
        out.append("            view$").append(plan.method).append(" = new ").append(type).append("();\n");
        out.append("        }\n");
    }

    private void writePrimitiveArray(StringBuilder out, Plan plan) {
        JavaType type = JavaType.of(plan.field.primitive());
        String field = JavaText.literal(plan.field.name());
        String decl = declaration(plan.field);
        int size = plan.size();
        String sizeTimesI = size == 1 ? "i" : size + "L * i";
        String segmentType = names.use("java.lang.foreign.MemorySegment");
        boolean sequence = plan.kind == Kind.PRIMITIVE_SEQUENCE;
        if (sequence) {
            writeCount(out, plan, "zeros");
        }
        String note = unsignedNote(plan.field.primitive());
        doc(out, "Element {@code i} of " + decl + note + ".");
        out.append("    public ").append(type.name).append(' ').append(plan.method).append("(int i) {\n");
        String element = elementOffset(out, plan, field, sizeTimesI);
        out.append("        return ").append(cdr()).append(".get").append(type.access).append("(segment, limit, ")
            .append(element).append(", NAME, ").append(field).append(");\n");
        out.append("    }\n\n");
        doc(out, "Sets element {@code i} of " + decl + ".");
        out.append("    public ").append(simpleName).append(' ').append(plan.method).append("(int i, ")
            .append(type.name).append(" value) {\n");
        element = elementOffset(out, plan, field, sizeTimesI);
        out.append("        ").append(cdr()).append(".put").append(type.access).append("(segment, limit, ")
            .append(element)
            .append(", value, NAME, ").append(field).append(");\n");
        out.append("        return this;\n");
        out.append("    }\n\n");
        if (sequence) {
            doc(out, "The elements of " + decl + (size == 1 ? "" : ", " + size + " bytes each, little endian")
                + ", in place: a view, valid until the message is resized.");
            out.append("    public ").append(segmentType).append(' ').append(plan.method).append("() {\n");
            out.append("        return cdrSequence(at$").append(plan.method).append("(), ").append(size).append(", ")
                .append(field).append(");\n");
        } else {
            long bytes = (long) size * plan.field.arrayLength();
            doc(out, "The " + bytes + " bytes of " + decl + (size == 1 ? "" : ", little endian")
                + ", in place: a view, valid until the message is resized.");
            out.append("    public ").append(segmentType).append(' ').append(plan.method).append("() {\n");
            out.append("        long at = at$").append(plan.method).append("();\n");
            out.append("        ").append(cdr()).append(".check(limit, at, ").append(bytes).append(", NAME, ")
                .append(field).append(");\n");
            out.append("        return cdrSlice(at, ").append(bytes).append(");\n");
        }
        out.append("    }\n\n");
    }

    /** Writes the statements locating element {@code i} and returns the expression of its offset. */
    private String elementOffset(StringBuilder out, Plan plan, String field, String sizeTimesI) {
        if (plan.kind == Kind.FIXED_PRIMITIVES) {
            out.append("        ").append(cdr()).append(".checkIndex(i, ").append(plan.length).append(", NAME, ")
                .append(field).append(");\n");
            return "at$" + plan.method + "() + " + sizeTimesI;
        }
        return cdr() + ".element(segment, limit, at$" + plan.method + "(), " + plan.size() + ", i, NAME, " + field
            + ")";
    }

    private void writeCount(StringBuilder out, Plan plan, String appended) {
        String field = JavaText.literal(plan.field.name());
        String decl = declaration(plan.field);
        doc(out, "Elements in " + decl + ".");
        out.append("    public int ").append(plan.count).append("() {\n");
        if (plan.kind.sequence()) {
            out.append("        return ").append(cdr()).append(".count(segment, limit, at$").append(plan.method)
                .append("(), ")
                .append(minSize(plan)).append(", NAME, ").append(field).append(");\n");
        } else {
            out.append("        return ").append(plan.length).append(";\n");
        }
        out.append("    }\n\n");
        if (!plan.kind.sequence()) {
            return;
        }
        String bound = plan.field.arrayLength() > 0 ? " (at most " + plan.field.arrayLength() + ")" : "";
        doc(out, "Resizes " + decl + " to {@code n} elements" + bound + ": drops elements from its end or appends "
            + appended + "; moves the fields after it.");
        out.append("    public ").append(simpleName).append(' ').append(plan.count).append("(int n) {\n");
        out.append("        cdrResizeSequence(at$").append(plan.method).append("(), n, ").append(field).append(");\n");
        out.append("        return this;\n");
        out.append("    }\n\n");
    }

    private void writeStringArray(StringBuilder out, Plan plan, String string) {
        String field = JavaText.literal(plan.field.name());
        String decl = declaration(plan.field);
        writeCount(out, plan, "empty strings");
        doc(out, "Element {@code i} of " + decl + ".");
        out.append("    public ").append(string).append(' ').append(plan.method).append("(int i) {\n");
        out.append("        return cache$").append(plan.method).append(".read(segment, limit, at$").append(plan.method)
            .append("(i), NAME, ").append(field).append(");\n");
        out.append("    }\n\n");
        doc(out, "Sets element {@code i} of " + decl + boundNote(plan) + "; a new length moves the fields after it.");
        out.append("    public ").append(simpleName).append(' ').append(plan.method).append("(int i, ")
            .append(string).append(" value) {\n");
        writeBoundCheck(out, plan);
        out.append("        cdrPutString(at$").append(plan.method).append("(i), value, ").append(field).append(");\n");
        out.append("        return this;\n");
        out.append("    }\n\n");
    }

    private void writeMessageArray(StringBuilder out, Plan plan) {
        String type = nested(plan);
        String decl = declaration(plan.field);
        writeCount(out, plan, "default messages");
        doc(out, "Element {@code i} of " + decl + ": a view, valid until the next call of this method and while no"
            + " field before it changes size.");
        out.append("    public ").append(type).append(' ').append(plan.method).append("(int i) {\n");
        writeView(out, plan, type);
        out.append("        return cdrPlace(view$").append(plan.method).append(", at$").append(plan.method)
            .append("(i));\n");
        out.append("    }\n\n");
    }

    // ---------------------------------------------------------------------------------------------------- text

    /** How the class writes {@code io.sluice.msg.Cdr}, imported the first time it is used. */
    private String cdr() {
        return names.use(RUNTIME + "Cdr");
    }

    private String nested(Plan plan) {
        return names.use(classOf.apply(plan.field.message()));
    }

    private static String declaration(MsgField field) {
        String text = field.typeName() + " " + field.name();
        if (field.defaultValue() != null) {
            text += " " + field.defaultValue();
        }
        return JavaText.code(text);
    }

    private String unsignedNote(Primitive primitive) {
        return switch (primitive) {
            case BYTE, CHAR, UINT8 -> " (unsigned: {@link " + names.use("java.lang.Byte") + "#toUnsignedInt})";
            case UINT16 -> " (unsigned: {@link " + names.use("java.lang.Short") + "#toUnsignedInt})";
            case UINT32 -> " (unsigned: {@link " + names.use("java.lang.Integer") + "#toUnsignedLong})";
            case UINT64 -> " (unsigned: {@link " + names.use("java.lang.Long") + "#toUnsignedString})";
            default -> "";
        };
    }

    /** A Javadoc comment of a member: one line when it fits in 120 columns, else wrapped between words. */
    private static void doc(StringBuilder out, String text) {
        if (8 + text.length() + 3 <= 120) {
            out.append("    /** ").append(text).append(" */\n");
            return;
        }
        out.append("    /**\n");
        StringBuilder line = new StringBuilder();
        for (String word : words(text)) {
            if (line.length() > 0 && 7 + line.length() + 1 + word.length() > 120) {
                out.append("     * ").append(line).append('\n');
                line.setLength(0);
            }
            line.append(line.length() > 0 ? " " : "").append(word);
        }
        out.append("     * ").append(line).append('\n');
        out.append("     */\n");
    }

    /** The words of {@code text}; an inline tag such as <code>{&#64;code float64[9] k}</code> is one word. */
    private static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        int depth = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ' ' && depth == 0) {
                if (word.length() > 0) {
                    words.add(word.toString());
                    word.setLength(0);
                }
                continue;
            }
            depth += c == '{' ? 1 : c == '}' && depth > 0 ? -1 : 0;
            word.append(c);
        }
        if (word.length() > 0) {
            words.add(word.toString());
        }
        return words;
    }

    private static List<String> lines(String text) {
        List<String> lines = new ArrayList<>();
        int from = 0;
        while (from < text.length()) {
            int newline = text.indexOf('\n', from);
            int to = newline < 0 ? text.length() : newline + 1;
            lines.add(text.substring(from, to));
            from = to;
        }
        return lines;
    }

    private static void trimBlankLine(StringBuilder out) {
        if (out.length() >= 2 && out.charAt(out.length() - 1) == '\n' && out.charAt(out.length() - 2) == '\n') {
            out.setLength(out.length() - 1);
        }
    }
}
