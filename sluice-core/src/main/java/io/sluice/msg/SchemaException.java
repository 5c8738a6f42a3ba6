package io.sluice.msg;

import io.sluice.SluiceException;

/** A {@code .msg} schema that does not parse or does not resolve: the message names the type, the line and why. */
public final class SchemaException extends SluiceException {
    public SchemaException(String message) {
        super(message);
    }
}
