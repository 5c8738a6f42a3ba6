package io.sluice.msg.interop;

import io.sluice.msg.MsgDefinition;
import io.sluice.msg.MsgField;
import io.sluice.msg.Primitive;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Random message values in {@link CdrOracle}'s convention ({@code Map} in field order, {@code Boolean}, {@code Long}
 * or {@code BigInteger} above {@link Long#MAX_VALUE} for {@code uint64}, {@code Double}, {@code String}, {@code List}),
 * built from a {@link MsgDefinition} and a seed: the same seed and definition give the same values.
 *
 * {@snippet :
 * MsgDefinition image = Image.TYPE.msgSchema().root();
 * Map<String, Object> value = new RandomMessages(seed, RandomMessages.Profile.MIXED).message(image);
 * }
 *
 * <p>Numbers are edge values half of the time (each type's minimum and maximum, 0, -1, powers of two; for floats also
 * -0.0, NaN, the infinities, the smallest subnormal and the largest, the smallest normal, and for {@code float32}
 * only values a {@code float} holds exactly), otherwise uniform over the type's range. Strings are empty, short
 * ASCII with JSON and C escapes, long (1000+ characters), or mixed Unicode: accents, Greek, CJK, emoji as surrogate
 * pairs, a combining mark; never a lone surrogate or a NUL (CDR strings are NUL-terminated). Sequences are empty,
 * one element, a few, or long (thousands of primitives, tens of messages or strings). Fixed lengths and the bounds
 * {@code T[<=N]} and {@code string<=N} (in UTF-8 bytes) are respected.
 *
 * <p>NaN is always the canonical NaN: the oracle carries NaN as the string {@code "NaN"}, so payloads do not survive
 * it.
 */
final class RandomMessages {
    /** What the sizes lean to. */
    enum Profile {
        /** Every sequence and string empty, every number 0 (the smallest message of the type). */
        EMPTY,
        /** Every sequence and string long, numbers at the edges. */
        LONG,
        /** A mix of all sizes and values. */
        MIXED
    }

    /** Longest sequence of primitives in {@link Profile#LONG}. */
    static final int LONG_PRIMITIVES = 4000;
    /** Longest sequence of messages or strings in {@link Profile#LONG}. */
    static final int LONG_ELEMENTS = 40;
    /** Shortest "long" string, in characters. */
    static final int LONG_STRING = 1000;

    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);
    private static final String[] UNICODE_PIECES = {
        "é", "ñ", "ü", "ß", "Å", "çà", "π", "Ωμέγα", "Привет", "日本語", "中文", "한국어", "ひらがな",
        "😀", "🤖", "👍🏽", "𝄞", "🇨🇭", "e\u0301", "\u00a0", "\u2028", "\u200b", "€", "\uffff", "\ud7ff", "\ue000",
        "א", "ع",
    };
    private static final String[] ASCII_PIECES = {
        "base_link", "map", "odom", "camera_optical_frame", "rgb8", "32FC1", "jpeg", " ", "\"", "\\", "/", "\t", "\n",
        "\r", "\u0001", "\u001f", "\u007f", "{}", "[]", "<tag>", "'", "%s", "a",
    };

    private final SplittableRandom random;
    private final Profile profile;

    RandomMessages(long seed, Profile profile) {
        this.random = new SplittableRandom(seed);
        this.profile = profile;
    }

    /** A random message of type {@code definition}. */
    Map<String, Object> message(MsgDefinition definition) {
        Map<String, Object> value = new LinkedHashMap<>();
        for (MsgField field : definition.fields()) {
            value.put(field.name(), field(field));
        }
        return value;
    }

    /** A random value for {@code field}: one element, or a {@code List} for arrays and sequences. */
    Object field(MsgField field) {
        if (field.array() == MsgField.Array.NONE) {
            return element(field);
        }
        int count = field.array() == MsgField.Array.FIXED ? field.arrayLength() : count(field);
        List<Object> elements = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            elements.add(element(field));
        }
        return elements;
    }

    /** A string for {@code field} (a {@code string} field or element) that differs in length from {@code not}. */
    String otherString(MsgField field, String not) {
        for (int attempt = 0; attempt < 100; attempt++) {
            String candidate = string(field.stringBound(), Profile.MIXED);
            if (candidate.getBytes(StandardCharsets.UTF_8).length != not.getBytes(StandardCharsets.UTF_8).length) {
                return candidate;
            }
        }
        return not.isEmpty() ? "" : "x";
    }

    /** A count for sequence {@code field} other than {@code not}, within its bound. */
    int otherCount(MsgField field, int not) {
        int bound = field.arrayLength() > 0 ? field.arrayLength() : Integer.MAX_VALUE;
        int candidate = not == 0 ? Math.min(bound, 1 + random.nextInt(5)) : random.nextBoolean() ? 0 : not / 2;
        if (candidate == not) {
            candidate = not + 1 <= bound ? not + 1 : 0;
        }
        return candidate;
    }

    /** An int in {@code [0, bound)}, from the same random sequence. */
    int nextInt(int bound) {
        return random.nextInt(bound);
    }

    private int count(MsgField field) {
        boolean primitives = field.isPrimitive() && field.primitive().fixedSize();
        int longCount = primitives ? LONG_PRIMITIVES : LONG_ELEMENTS;
        int count = switch (profile) {
            case EMPTY -> 0;
            case LONG -> longCount / 2 + random.nextInt(longCount / 2 + 1);
            case MIXED -> switch (random.nextInt(8)) {
                case 0, 1 -> 0;
                case 2, 3 -> 1;
                case 4, 5 -> 2 + random.nextInt(7);
                case 6 -> 9 + random.nextInt(primitives ? 200 : 10);
                default -> random.nextInt(longCount + 1);
            };
        };
        return field.arrayLength() > 0 ? Math.min(count, field.arrayLength()) : count;
    }

    private Object element(MsgField field) {
        if (field.message() != null) {
            return message(field.message());
        }
        return primitive(field.primitive(), field.stringBound());
    }

    private Object primitive(Primitive primitive, int stringBound) {
        boolean edge = profile == Profile.LONG || random.nextBoolean();
        if (profile == Profile.EMPTY) {
            return switch (primitive) {
                case BOOL -> false;
                case FLOAT32, FLOAT64 -> 0.0;
                case STRING, WSTRING -> "";
                default -> 0L;
            };
        }
        return switch (primitive) {
            case BOOL -> random.nextBoolean();
            case INT8 -> edge ? pick(-128L, 127L, 0L, -1L, 1L) : (long) (byte) random.nextInt();
            case BYTE, CHAR, UINT8 -> edge ? pick(0L, 255L, 1L, 127L, 128L) : (long) random.nextInt(256);
            case INT16 -> edge ? pick(-32768L, 32767L, 0L, -1L, 256L) : (long) (short) random.nextInt();
            case UINT16 -> edge ? pick(0L, 65535L, 32768L, 255L, 256L) : (long) random.nextInt(65536);
            case INT32 -> edge ? pick((long) Integer.MIN_VALUE, (long) Integer.MAX_VALUE, 0L, -1L, 1L << 24)
                : (long) random.nextInt();
            case UINT32 -> edge ? pick(0L, 0xFFFF_FFFFL, 1L << 31, 999_999_999L, 1L)
                : Integer.toUnsignedLong(random.nextInt());
            case INT64 -> edge ? pick(Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L, (1L << 53) + 1, -(1L << 53) - 1)
                : random.nextLong();
            case UINT64 -> uint64(edge ? pick(0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, (1L << 53) + 1)
                : random.nextLong());
            case FLOAT32 -> edge ? pick(0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
                (double) Float.MIN_VALUE, (double) -Float.MIN_VALUE, (double) Float.intBitsToFloat(0x007f_ffff),
                (double) Float.MIN_NORMAL, (double) Float.MAX_VALUE, (double) -Float.MAX_VALUE, (double) 0.1f, 1.0,
                -1.5) : (double) randomFloat();
            case FLOAT64 -> edge ? pick(0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
                Double.MIN_VALUE, -Double.MIN_VALUE, Double.longBitsToDouble(0x000f_ffff_ffff_ffffL),
                Double.MIN_NORMAL, Double.MAX_VALUE, -Double.MAX_VALUE, 0.1, 1.0, 1e300, (double) 0.1f)
                : randomDouble();
            case STRING, WSTRING -> string(stringBound, profile);
        };
    }

    /** A {@code uint64} given as its 64 bits: {@code Long} up to {@link Long#MAX_VALUE}, {@code BigInteger} above. */
    private static Object uint64(long bits) {
        return bits >= 0 ? (Object) bits : BigInteger.valueOf(bits).add(TWO_64);
    }

    private float randomFloat() {
        float value = Float.intBitsToFloat(random.nextInt());
        return Float.isNaN(value) ? Float.NaN : value;
    }

    private double randomDouble() {
        double value = Double.longBitsToDouble(random.nextLong());
        return Double.isNaN(value) ? Double.NaN : value;
    }

    private String string(int bound, Profile size) {
        StringBuilder text = new StringBuilder();
        switch (size) {
            case EMPTY -> { }
            case LONG -> appendPieces(text, LONG_STRING + random.nextInt(LONG_STRING));
            case MIXED -> {
                switch (random.nextInt(6)) {
                    case 0 -> { }
                    case 1 -> text.append(ASCII_PIECES[random.nextInt(ASCII_PIECES.length)]);
                    case 2 -> text.append(UNICODE_PIECES[random.nextInt(UNICODE_PIECES.length)]);
                    case 3 -> appendPieces(text, LONG_STRING + random.nextInt(LONG_STRING));
                    default -> appendPieces(text, 1 + random.nextInt(40));
                }
            }
        }
        return bound > 0 ? truncate(text.toString(), bound) : text.toString();
    }

    /** Appends pieces of all kinds, and random code points, until {@code text} has {@code length} chars or more. */
    private void appendPieces(StringBuilder text, int length) {
        while (text.length() < length) {
            switch (random.nextInt(4)) {
                case 0 -> text.append(UNICODE_PIECES[random.nextInt(UNICODE_PIECES.length)]);
                case 1 -> text.append(ASCII_PIECES[random.nextInt(ASCII_PIECES.length)]);
                case 2 -> text.appendCodePoint(randomCodePoint());
                default -> text.append((char) (' ' + random.nextInt(95)));
            }
        }
    }

    /** Any code point but NUL and the surrogates: one to four UTF-8 bytes. */
    private int randomCodePoint() {
        return switch (random.nextInt(4)) {
            case 0 -> 1 + random.nextInt(0x7f);
            case 1 -> 0x80 + random.nextInt(0x800 - 0x80);
            case 2 -> {
                int cp = 0x800 + random.nextInt(0x10000 - 0x800 - 0x800);
                yield cp >= 0xd800 ? cp + 0x800 : cp; // skip D800..DFFF
            }
            default -> 0x10000 + random.nextInt(0x110000 - 0x10000);
        };
    }

    /** The longest prefix of whole code points of {@code text} that takes at most {@code bytes} UTF-8 bytes. */
    private static String truncate(String text, int bytes) {
        int used = 0;
        int end = 0;
        while (end < text.length()) {
            int cp = text.codePointAt(end);
            int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (used + size > bytes) {
                break;
            }
            used += size;
            end += Character.charCount(cp);
        }
        return text.substring(0, end);
    }

    @SafeVarargs
    private <T> T pick(T... choices) {
        return choices[random.nextInt(choices.length)];
    }
}
