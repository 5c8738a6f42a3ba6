package io.sluice.msg;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Value trees for tests: a {@link CdrTree} whose offsets are 0 until {@link CdrTreeWriter} places it, built field by
 * field or as the default message {@link CdrLayout#writeDefault} writes.
 */
final class CdrValues {
    private CdrValues() {
    }

    /** A message of type {@code definition} with {@code values}, one per field in order. */
    static CdrTree tree(MsgDefinition definition, Object... values) {
        return tree(definition, List.of(values));
    }

    /** A message of type {@code definition} with {@code values}, one per field in order. */
    static CdrTree tree(MsgDefinition definition, List<?> values) {
        if (values.size() != definition.fields().size()) {
            throw new IllegalArgumentException(definition.name() + " has " + definition.fields().size()
                + " fields, got " + values.size() + " values");
        }
        List<CdrTree.Field> fields = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            MsgField field = definition.fields().get(i);
            fields.add(new CdrTree.Field(field.name(), field.typeName(), 0, values.get(i)));
        }
        return new CdrTree(definition.name(), fields);
    }

    /** The default message of type {@code definition}: what {@link CdrLayout#writeDefault} writes. */
    static CdrTree defaults(MsgDefinition definition) {
        List<Object> values = new ArrayList<>();
        for (MsgField field : definition.fields()) {
            values.add(switch (field.array()) {
                case NONE -> element(field, true);
                case FIXED -> Collections.nCopies(field.arrayLength(), element(field, false));
                case SEQUENCE -> List.of();
            });
        }
        return tree(definition, values);
    }

    /** A default element of {@code field}: zero, false, the empty string or a default message. */
    static Object element(MsgField field, boolean schemaDefault) {
        if (field.message() != null) {
            return defaults(field.message());
        }
        String text = schemaDefault ? field.defaultValue() : null;
        Primitive primitive = field.primitive();
        if (text == null) {
            return switch (primitive) {
                case BOOL -> false;
                case FLOAT32, FLOAT64 -> 0.0;
                case STRING, WSTRING -> "";
                default -> 0L;
            };
        }
        String value = text.strip();
        return switch (primitive) {
            case BOOL -> value.equalsIgnoreCase("true") || value.equals("1");
            case FLOAT32 -> (double) (float) floating(value);
            case FLOAT64 -> floating(value);
            case UINT64 -> {
                long bits = Long.parseUnsignedLong(value);
                yield bits >= 0 ? (Object) bits : new BigInteger(Long.toUnsignedString(bits));
            }
            case STRING, WSTRING -> value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                || value.startsWith("'") && value.endsWith("'")) ? value.substring(1, value.length() - 1) : value;
            default -> Long.parseLong(value); // decimal, as the .msg format has it (Long.decode would read 010 as 8)
        };
    }

    /** A float literal as ROS 2's .msg format spells it: decimal or exponent form, or nan/inf in any case and sign. */
    private static double floating(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "nan", "+nan", "-nan" -> Double.NaN;
            case "inf", "+inf", "infinity", "+infinity" -> Double.POSITIVE_INFINITY;
            case "-inf", "-infinity" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(value);
        };
    }
}
