package io.sluice.msg;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Default values and constants of {@code .msg} files, read as ROS 2 reads them: integers in decimal, in the range of
 * their type; floats in decimal or exponent form, or {@code nan}/{@code inf}; bools {@code true}/{@code false}/
 * {@code 1}/{@code 0}; strings quoted or not; arrays as {@code [a, b, c]}.
 */
final class MsgLiteral {
    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");
    private static final Pattern FLOAT = Pattern.compile("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?");
    private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private MsgLiteral() {
    }

    /**
     * The value {@code text} gives a field of type {@code primitive}: {@link Boolean}, {@link Long} (the bits, for
     * {@code uint64}), {@link Double} ({@code float32} values rounded to float), or {@link String}.
     *
     * @throws IllegalArgumentException naming the problem
     */
    static Object scalar(Primitive primitive, int stringBound, String text) {
        String value = text.strip();
        return switch (primitive) {
            case BOOL -> switch (value.toLowerCase(Locale.ROOT)) {
                case "true", "1" -> Boolean.TRUE;
                case "false", "0" -> Boolean.FALSE;
                default -> throw new IllegalArgumentException("not a bool: " + value);
            };
            case BYTE, CHAR, UINT8 -> integer(value, 0, 0xff);
            case INT8 -> integer(value, Byte.MIN_VALUE, Byte.MAX_VALUE);
            case INT16 -> integer(value, Short.MIN_VALUE, Short.MAX_VALUE);
            case UINT16 -> integer(value, 0, 0xffff);
            case INT32 -> integer(value, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case UINT32 -> integer(value, 0, 0xffff_ffffL);
            case INT64 -> integer(value, Long.MIN_VALUE, Long.MAX_VALUE);
            case UINT64 -> {
                BigInteger big = bigInteger(value);
                if (big.signum() < 0 || big.compareTo(UINT64_MAX) > 0) {
                    throw new IllegalArgumentException("out of range [0, " + UINT64_MAX + "]: " + value);
                }
                yield big.longValue();
            }
            case FLOAT32 -> {
                double number = floating(value);
                if (Double.isFinite(number) && Float.isInfinite((float) number)) { // 3.4028235e38 rounds to MAX_VALUE
                    throw new IllegalArgumentException("out of float32 range: " + value);
                }
                yield (double) (float) number;
            }
            case FLOAT64 -> {
                double number = floating(value);
                if (Double.isInfinite(number) && !value.toLowerCase(Locale.ROOT).contains("inf")) {
                    throw new IllegalArgumentException("out of float64 range: " + value);
                }
                yield number;
            }
            case STRING, WSTRING -> {
                String string = unquote(value);
                if (stringBound > 0 && string.getBytes(StandardCharsets.UTF_8).length > stringBound) {
                    throw new IllegalArgumentException("longer than its bound " + stringBound + ": " + value);
                }
                yield string;
            }
        };
    }

    /** The values of an array default {@code [a, b, c]}; commas inside quoted strings belong to the string. */
    static List<Object> array(Primitive primitive, int stringBound, String text) {
        String value = text.strip();
        if (!value.startsWith("[") || !value.endsWith("]")) {
            throw new IllegalArgumentException("an array default is written [a, b, ...]: " + value);
        }
        String inside = value.substring(1, value.length() - 1).strip();
        List<Object> values = new ArrayList<>();
        if (inside.isEmpty()) {
            return values;
        }
        int start = 0;
        char quote = 0;
        for (int i = 0; i <= inside.length(); i++) {
            char c = i < inside.length() ? inside.charAt(i) : ',';
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == ',') {
                values.add(scalar(primitive, stringBound, inside.substring(start, i)));
                start = i + 1;
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("unclosed quote: " + value);
        }
        return values;
    }

    static String unquote(String text) {
        String value = text.strip();
        if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
            || value.startsWith("'") && value.endsWith("'"))) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }

    private static long integer(String value, long min, long max) {
        BigInteger big = bigInteger(value);
        if (big.compareTo(BigInteger.valueOf(min)) < 0 || big.compareTo(BigInteger.valueOf(max)) > 0) {
            throw new IllegalArgumentException("out of range [" + min + ", " + max + "]: " + value);
        }
        return big.longValue();
    }

    private static BigInteger bigInteger(String value) {
        if (value.length() > 40 || !INTEGER.matcher(value).matches()) {
            throw new IllegalArgumentException("not a decimal integer: " + value);
        }
        return new BigInteger(value.startsWith("+") ? value.substring(1) : value);
    }

    private static double floating(String value) {
        String lower = value.toLowerCase(Locale.ROOT);
        switch (lower) {
            case "nan", "+nan", "-nan" -> {
                return Double.NaN;
            }
            case "inf", "+inf", "infinity", "+infinity" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-inf", "-infinity" -> {
                return Double.NEGATIVE_INFINITY;
            }
            default -> {
                if (value.length() > 400 || !FLOAT.matcher(value).matches()) {
                    throw new IllegalArgumentException("not a number: " + value);
                }
                return Double.parseDouble(value);
            }
        }
    }
}
