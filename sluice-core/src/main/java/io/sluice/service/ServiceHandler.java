package io.sluice.service;

/**
 * Answers one request of a {@link Service}, on the thread that serves it (the executor's, or the caller of
 * {@link Service#serveAvailable()}).
 *
 * <p>Write the response in place: {@link Responder#loan(io.sluice.MessageShape)} gives a writable view of a slot in
 * shared memory; fill it and return, and the service publishes it to the calling client. What this throws is sent
 * to the client, which raises it as a {@link ServiceException} carrying the exception's class and message; a
 * handler that returns without loaning a response is answered the same way.
 *
 * @param <Req> the request view
 * @param <Res> the response view
 */
@FunctionalInterface
public interface ServiceHandler<Req, Res> {
    /**
     * Handles {@code request}, valid until this returns (do not keep it), and writes the response through
     * {@code response}.
     */
    void handle(Req request, Responder<Res> response) throws Exception;
}
