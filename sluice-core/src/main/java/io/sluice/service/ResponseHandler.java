package io.sluice.service;

import io.sluice.Sample;

/**
 * Receives the outcome of one {@link Client#callAsync} on the executor the client is registered with: exactly one
 * of its methods runs, once.
 *
 * @param <Res> the response view
 */
public interface ResponseHandler<Res> {
    /**
     * The response arrived. The sample is valid until this returns, and closed by the client afterwards: read it
     * here, do not keep it.
     */
    void onResponse(Sample<Res> response) throws Exception;

    /**
     * The call failed: the server's handler threw ({@link ServiceException}), no response came before the call's
     * deadline ({@link ServiceTimeoutException}), or the server left ({@link ServiceUnavailableException}).
     */
    void onFailure(ServiceException error) throws Exception;
}
