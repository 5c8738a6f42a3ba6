package io.sluice.service;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The error text a service sends back: cut to its limit without splitting a character. */
class ServiceEnvelopeTest {
    @Test
    void shouldCutALongErrorTextAtACharacterBoundary() {
        String text = "a" + "é".repeat(ServiceEnvelope.MAX_ERROR_TEXT); // 1 + 2 bytes each: the limit falls inside one
        byte[] cut = ServiceEnvelope.errorText(text);
        assertEquals(ServiceEnvelope.MAX_ERROR_TEXT - 1, cut.length);
        String decoded = new String(cut, StandardCharsets.UTF_8);
        assertTrue(text.startsWith(decoded), "a prefix of the text, whole characters only");
        String shortText = text.substring(0, 10);
        assertEquals(shortText, new String(ServiceEnvelope.errorText(shortText), StandardCharsets.UTF_8),
            "a short text is kept as it is");
    }
}
