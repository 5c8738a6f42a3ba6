package io.sluice.service;

/** No response came within the call's timeout, while a server of the service was alive. */
public final class ServiceTimeoutException extends ServiceException {
    public ServiceTimeoutException(String message) {
        super(message);
    }

    public ServiceTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
