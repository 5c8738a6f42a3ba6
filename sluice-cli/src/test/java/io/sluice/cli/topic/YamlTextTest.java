package io.sluice.cli.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Scalars as ros2 topic echo (PyYAML) writes them, so that what Sluice prints reads back as the same values. */
class YamlTextTest {
    @Test
    void shouldWriteFloatsAsPythonsReprWithTheDotPyYamlNeeds() {
        assertEquals("0.0", YamlText.floating(0.0));
        assertEquals("-0.0", YamlText.floating(-0.0));
        assertEquals("1.0", YamlText.floating(1.0));
        assertEquals("0.5", YamlText.floating(0.5));
        assertEquals("0.0005", YamlText.floating(0.0005));
        assertEquals("1700000000.0", YamlText.floating(1.7e9));
        assertEquals("1.0e-05", YamlText.floating(1e-5));
        assertEquals("1.5e+20", YamlText.floating(1.5e20));
        assertEquals("-2.5e-07", YamlText.floating(-2.5e-7));
        assertEquals("1.0e+16", YamlText.floating(1e16));
        assertEquals("9999999999999998.0", YamlText.floating(9999999999999998.0));
        assertEquals("0.1", YamlText.floating(0.1));
        assertEquals(".nan", YamlText.scalar(Double.NaN));
        assertEquals("-.inf", YamlText.scalar(Double.NEGATIVE_INFINITY));
    }

    @Test
    void shouldQuoteStringsOnlyWhereYamlWouldReadThemAsSomethingElse() {
        assertEquals("cam", YamlText.scalar("cam"));
        assertEquals("cam 1", YamlText.scalar("cam 1"));
        assertEquals("''", YamlText.scalar(""));
        assertEquals("'true'", YamlText.scalar("true"));
        assertEquals("'1.5'", YamlText.scalar("1.5"));
        assertEquals("'a: b'", YamlText.scalar("a: b"));
        assertEquals("'it''s'", YamlText.scalar("it's"));
        assertEquals("\"a\\nb\\t\\\"c\\\\\"", YamlText.scalar("a\nb\t\"c\\"));
        assertEquals("\"\\x01\"", YamlText.scalar("\u0001"));
    }
}
