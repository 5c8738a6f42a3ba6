package io.sluice.service;

/**
 * No server could answer: none was present when the call was made (after waiting up to the timeout for one, for
 * a blocking call), or the server left — closed or died — while the call was pending.
 */
public final class ServiceUnavailableException extends ServiceException {
    public ServiceUnavailableException(String message) {
        super(message);
    }
}
