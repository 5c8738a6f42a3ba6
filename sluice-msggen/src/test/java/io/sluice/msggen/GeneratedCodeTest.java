package io.sluice.msggen;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.net.URLClassLoader;
import java.nio.file.Path;

/**
 * Generates the test messages ({@code src/test/resources/msg}: every field kind, keyword-named fields, types whose
 * names clash with what generated code writes), compiles them with {@code -Werror} together with the probes
 * ({@code src/test/resources/probes}), and runs each probe: values written through setters and read back through
 * getters and through {@link io.sluice.msg.CdrReader}, strings and sequences resized in the middle of a message.
 */
class GeneratedCodeTest {
    @TempDir
    static Path work;
    private static URLClassLoader loader;

    @BeforeAll
    static void generateAndCompile() {
        MessageGenerator.builder()
            .msgDirectory(TestSources.resource("msg"))
            .packagePrefix("com.example.msg")
            .build()
            .writeTo(work.resolve("src"));
        loader = TestSources.compile(work.resolve("classes"), work.resolve("src"), TestSources.resource("probes"));
    }

    @AfterAll
    static void close() throws IOException {
        if (loader != null) {
            loader.close();
        }
    }

    private static void probe(String method) throws Throwable {
        try {
            loader.loadClass("com.example.probe.KindsProbe").getMethod(method).invoke(null);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Test
    void shouldWriteSchemaDefaultsAndDeclareConstantsWhenLoaned() throws Throwable {
        probe("defaultsAndConstants");
    }

    @Test
    void shouldRoundTripEveryPrimitiveWhenSetThroughSetters() throws Throwable {
        probe("everyScalarRoundTrips");
    }

    @Test
    void shouldRoundTripEveryFieldKindWhenWrittenInDefinitionOrder() throws Throwable {
        probe("everyKindRoundTripsWhenWrittenInDefinitionOrder");
    }

    @Test
    void shouldKeepEveryLaterFieldWhenStringsAndSequencesAreResizedInTheMiddle() throws Throwable {
        probe("resizingInTheMiddleKeepsEverythingAfterIt");
    }

    @Test
    void shouldRefuseValuesAboveBoundsAndIndicesOutOfRange() throws Throwable {
        probe("boundsAndIndicesAreRefused");
    }

    @Test
    void shouldNameTheFieldWhenBytesAreMalformed() throws Throwable {
        probe("malformedBytesAreReported");
    }

    @Test
    void shouldRepointOneCachedViewWhenNestedMessagesAreRead() throws Throwable {
        probe("nestedViewsAreCachedAndRepointed");
    }

    @Test
    void shouldReturnViewsOfTheMessageWhenBulkArraysAreRead() throws Throwable {
        probe("bulkSegmentsAreViewsOfTheMessage");
    }

    @Test
    void shouldSuffixAccessorsWhenFieldsAreNamedLikeJavaOrTheBaseClass() throws Throwable {
        probe("keywordNamedFieldsWork");
    }

    @Test
    void shouldQualifyTypeNamesWhenMessagesAreNamedLikeTypesGeneratedCodeUses() throws Throwable {
        probe("clashingTypeNamesWork");
    }

    @Test
    void shouldTakeOneByteWhenAMessageHasNoFields() throws Throwable {
        probe("emptyMessagesTakeOneByte");
    }
}
