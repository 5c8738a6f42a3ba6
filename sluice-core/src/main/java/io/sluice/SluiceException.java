package io.sluice;

/** Base of every exception Sluice throws; unchecked, with a message that names what was wrong. */
public class SluiceException extends RuntimeException {
    public SluiceException(String message) {
        super(message);
    }

    public SluiceException(String message, Throwable cause) {
        super(message, cause);
    }
}
