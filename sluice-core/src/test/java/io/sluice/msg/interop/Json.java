package io.sluice.msg.interop;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.math.BigInteger;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON that {@link CdrOracle} speaks to its node process with, through Jackson, in the oracle's conventions
 * (see {@code src/test/node/cdr-oracle.mjs}).
 *
 * <p>Reading: objects become {@link LinkedHashMap}s (member order kept), arrays {@link java.util.ArrayList}s,
 * strings {@link String}s, {@code true}/{@code false} {@link Boolean}s, {@code null} {@code null}; a number without
 * a fraction or exponent becomes a {@link Long} (a {@link BigInteger} when it does not fit), any other number a
 * {@link Double}.
 *
 * <p>Writing produces pure ASCII text (every character outside 0x20..0x7e escaped as {@code \}{@code uXXXX}, so a
 * surrogate pair becomes two escapes). {@link Map} (String keys, iteration order kept), {@link Collection}, arrays
 * (a {@code byte[]} as unsigned values 0..255, other arrays element by element), {@link CharSequence},
 * {@link Character}, {@link Boolean}, {@code null}, integers ({@link Byte}, {@link Short}, {@link Integer},
 * {@link Long}, {@link BigInteger}: a JSON number when within ±(2<sup>53</sup>-1), which every JSON reader holds
 * exactly, else a decimal string) and floats ({@link Float} widened exactly to double, {@link Double}: the shortest
 * round-trip form, NaN and infinities as the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}).
 */
public final class Json {
    private static final BigInteger MAX_SAFE_INTEGER = BigInteger.valueOf((1L << 53) - 1);

    private static final ObjectMapper MAPPER = JsonMapper.builder()
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
        .addModule(new SimpleModule("cdr-oracle")
            .addSerializer(Long.class, new SafeInteger<>())
            .addSerializer(Integer.class, new SafeInteger<>())
            .addSerializer(Short.class, new SafeInteger<>())
            .addSerializer(Byte.class, new SafeInteger<>())
            .addSerializer(BigInteger.class, new SafeInteger<>())
            .addSerializer(Double.class, new Real<>())
            .addSerializer(Float.class, new Real<>())
            .addSerializer(byte[].class, new UnsignedBytes())
            .addSerializer(long[].class, new LongElements()))
        .build();

    private Json() {
    }

    /** Parses one JSON text (surrounding whitespace allowed). */
    public static Object parse(String text) {
        try {
            return longs(MAPPER.readValue(text, Object.class));
        } catch (JsonProcessingException malformed) {
            throw new IllegalArgumentException(malformed.getOriginalMessage()
                + (malformed.getLocation() == null ? "" : " at " + malformed.getLocation().offsetDescription()),
                malformed);
        }
    }

    /** {@code value} with Jackson's {@link Integer}s widened to {@link Long} (its BigIntegers stay), in place. */
    @SuppressWarnings("unchecked")
    private static Object longs(Object value) {
        switch (value) {
            case Integer small -> {
                return small.longValue();
            }
            case Map<?, ?> map -> ((Map<String, Object>) map).replaceAll((key, member) -> longs(member));
            case List<?> list -> ((List<Object>) list).replaceAll(Json::longs);
            case null, default -> {
            }
        }
        return value;
    }

    /** Writes {@code value} as JSON text, see the class comment for the types taken. */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException unwritable) {
            throw new IllegalArgumentException("cannot write as JSON: " + unwritable.getOriginalMessage(), unwritable);
        }
    }

    /** An integer as a number within ±(2^53-1), as a decimal string beyond. */
    private static final class SafeInteger<T extends Number> extends JsonSerializer<T> {
        @Override
        public void serialize(T value, JsonGenerator generator, SerializerProvider provider) throws IOException {
            BigInteger big = value instanceof BigInteger exact ? exact : BigInteger.valueOf(value.longValue());
            if (big.abs().compareTo(MAX_SAFE_INTEGER) <= 0) {
                generator.writeNumber(big.longValue());
            } else {
                generator.writeString(big.toString());
            }
        }
    }

    /** A float widened to double; NaN and the infinities as the strings the oracle takes. */
    private static final class Real<T extends Number> extends JsonSerializer<T> {
        @Override
        public void serialize(T value, JsonGenerator generator, SerializerProvider provider) throws IOException {
            double real = value.doubleValue();
            if (Double.isNaN(real)) {
                generator.writeString("NaN");
            } else if (Double.isInfinite(real)) {
                generator.writeString(real > 0 ? "Infinity" : "-Infinity");
            } else {
                generator.writeNumber(real);
            }
        }
    }

    /** A {@code byte[]} as its unsigned values (Jackson's default is a base64 string). */
    private static final class UnsignedBytes extends JsonSerializer<byte[]> {
        @Override
        public void serialize(byte[] bytes, JsonGenerator generator, SerializerProvider provider) throws IOException {
            generator.writeStartArray(bytes, bytes.length);
            for (byte b : bytes) {
                generator.writeNumber(b & 0xff);
            }
            generator.writeEndArray();
        }
    }

    /** A {@code long[]} element by element, each as a {@link Long} is written. */
    private static final class LongElements extends JsonSerializer<long[]> {
        private final SafeInteger<Long> element = new SafeInteger<>();

        @Override
        public void serialize(long[] values, JsonGenerator generator, SerializerProvider provider) throws IOException {
            generator.writeStartArray(values, values.length);
            for (long value : values) {
                element.serialize(value, generator, provider);
            }
            generator.writeEndArray();
        }
    }
}
