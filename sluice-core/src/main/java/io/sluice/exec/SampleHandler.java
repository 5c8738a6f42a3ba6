package io.sluice.exec;

import io.sluice.Sample;

/**
 * Handles one sample of a subscription, on the executor's thread.
 *
 * @param <T> the message view
 */
@FunctionalInterface
public interface SampleHandler<T> {
    /**
     * Called once per sample. The executor closes the sample when this returns (or throws): read it here, do not
     * keep it. What this throws goes to the executor's {@link ErrorHandler}.
     */
    void onSample(Sample<T> sample) throws Exception;
}
