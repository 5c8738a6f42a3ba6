package io.sluice;

/** A publisher waited for a {@link Qos#reliable(int) reliable} subscriber longer than its timeout. */
public final class PublishTimeoutException extends SluiceException {
    public PublishTimeoutException(String message) {
        super(message);
    }
}
