package io.sluice.service;

import io.sluice.SluiceException;

/**
 * A service call failed. Thrown by {@link Client#call} and passed to {@link ResponseHandler#onFailure}; when the
 * server's handler threw, the message is the handler's exception as the server described it (its class and
 * message), and the subclasses say when no answer came at all.
 */
public class ServiceException extends SluiceException {
    public ServiceException(String message) {
        super(message);
    }

    public ServiceException(String message, Throwable cause) {
        super(message, cause);
    }
}
