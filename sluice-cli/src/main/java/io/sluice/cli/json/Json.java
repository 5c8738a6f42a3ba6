package io.sluice.cli.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.util.Map;

/**
 * The CLI's JSON, through Jackson: plain Java values ({@link Map} with string keys in iteration order, so use a
 * {@link java.util.LinkedHashMap} for a stable order, {@link java.util.List}, {@link String}, {@link Number},
 * {@link Boolean}, {@code null}) to text and back. Non-finite doubles, which JSON cannot express, are written as
 * {@code null}; integers are read as {@link Long}, other numbers as {@link Double}.
 *
 * {@snippet :
 * Map<String, Object> figures = new LinkedHashMap<>();
 * figures.put("frames", 150L);
 * figures.put("rate_hz", 15.0);
 * String line = Json.compact(figures);            // {"frames":150,"rate_hz":15.0}
 * long frames = (Long) Json.parseObject(line).get("frames");
 * }
 * Errors are {@link IllegalArgumentException}s with Jackson's message (what was found, where).
 */
public final class Json {
    /** Nesting deeper than this is rejected when reading. */
    public static final int MAX_DEPTH = 256;

    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build()).build())
        .enable(DeserializationFeature.USE_LONG_FOR_INTS)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
        .addModule(new SimpleModule("sluice-json")
            .addSerializer(Double.class, new FiniteOrNull<>())
            .addSerializer(Float.class, new FiniteOrNull<>()))
        .build();
    private static final ObjectWriter COMPACT = MAPPER.writer();
    /** Two spaces per level, {@code "key": value}, every array element on its own line, {@code {}} and {@code []}. */
    private static final ObjectWriter PRETTY = MAPPER.writer(new DefaultPrettyPrinter(Separators.createDefaultInstance()
            .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
            .withObjectEmptySeparator("")
            .withArrayEmptySeparator(""))
        .withObjectIndenter(new DefaultIndenter("  ", "\n"))
        .withArrayIndenter(new DefaultIndenter("  ", "\n")));

    private Json() {
    }

    /** {@code value} as JSON on one line, without spaces. */
    public static String compact(Object value) {
        return write(COMPACT, value);
    }

    /** {@code value} as JSON indented by two spaces per level, for people to read. */
    public static String pretty(Object value) {
        return write(PRETTY, value);
    }

    /** The value {@code text} holds; nothing but whitespace may follow it. */
    public static Object parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("JSON text is null");
        }
        try {
            return MAPPER.readValue(text, Object.class);
        } catch (JsonProcessingException malformed) {
            throw new IllegalArgumentException("invalid JSON: " + malformed.getOriginalMessage()
                + (malformed.getLocation() == null ? "" : " at " + malformed.getLocation().offsetDescription()),
                malformed);
        }
    }

    /** The object {@code text} holds. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text) {
        Object value = parse(text);
        if (!(value instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("JSON text is not an object: type="
                + (value == null ? "null" : value.getClass().getSimpleName()));
        }
        return (Map<String, Object>) value;
    }

    private static String write(ObjectWriter writer, Object value) {
        if (value != null && !(value instanceof Map<?, ?> || value instanceof Iterable<?> || value instanceof String
            || value instanceof Number || value instanceof Boolean)) {
            throw new IllegalArgumentException("cannot write as JSON: type=" + value.getClass().getName());
        }
        try {
            return writer.writeValueAsString(value);
        } catch (JsonProcessingException unwritable) {
            throw new IllegalArgumentException("cannot write as JSON: " + unwritable.getOriginalMessage(), unwritable);
        }
    }

    /** A double or float as Java prints the double ({@code 1.5}, {@code 1.0E-5}), or {@code null} when not finite. */
    private static final class FiniteOrNull<T extends Number> extends JsonSerializer<T> {
        @Override
        public void serialize(T value, JsonGenerator generator, SerializerProvider provider) throws IOException {
            double real = value.doubleValue();
            if (Double.isFinite(real)) {
                generator.writeNumber(real);
            } else {
                generator.writeNull();
            }
        }
    }
}
