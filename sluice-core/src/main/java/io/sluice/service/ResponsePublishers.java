package io.sluice.service;

import io.sluice.Publisher;

/**
 * A service's response publishers by client id: an open-addressing table of primitive keys, so that finding a
 * client's publisher allocates nothing. Used by the one thread that serves the service at a time.
 */
final class ResponsePublishers<Res> {
    private long[] keys = new long[16];
    @SuppressWarnings("unchecked")
    private Publisher<Res>[] values = (Publisher<Res>[]) new Publisher<?>[16];
    private int size;

    /** The publisher of {@code clientId} (never 0), or null. */
    Publisher<Res> get(long clientId) {
        int mask = keys.length - 1;
        for (int index = hash(clientId) & mask; keys[index] != 0; index = (index + 1) & mask) {
            if (keys[index] == clientId) {
                return values[index];
            }
        }
        return null;
    }

    void put(long clientId, Publisher<Res> publisher) {
        if (2 * (size + 1) > keys.length) {
            rehash(keys.length * 2);
        }
        insert(clientId, publisher);
        size++;
    }

    int size() {
        return size;
    }

    /** Closes and forgets the publishers whose client has left (no live subscriber on its topic). */
    void closeAbandoned() {
        boolean removed = false;
        for (int index = 0; index < keys.length; index++) {
            Publisher<Res> publisher = values[index];
            if (publisher != null && publisher.subscriberCount() == 0) {
                publisher.close();
                values[index] = null;
                keys[index] = 0;
                size--;
                removed = true;
            }
        }
        if (removed) {
            rehash(keys.length); // open addressing: re-place what stays so that no probe chain is broken
        }
    }

    void closeAll() {
        RuntimeException failure = null;
        for (int index = 0; index < keys.length; index++) {
            Publisher<Res> publisher = values[index];
            values[index] = null;
            keys[index] = 0;
            if (publisher != null) {
                try {
                    publisher.close();
                } catch (RuntimeException e) {
                    failure = failure == null ? e : failure;
                }
            }
        }
        size = 0;
        if (failure != null) {
            throw failure;
        }
    }

    private void insert(long clientId, Publisher<Res> publisher) {
        int mask = keys.length - 1;
        int index = hash(clientId) & mask;
        while (keys[index] != 0) {
            index = (index + 1) & mask;
        }
        keys[index] = clientId;
        values[index] = publisher;
    }

    @SuppressWarnings("unchecked")
    private void rehash(int capacity) {
        long[] oldKeys = keys;
        Publisher<Res>[] oldValues = values;
        keys = new long[capacity];
        values = (Publisher<Res>[]) new Publisher<?>[capacity];
        for (int index = 0; index < oldKeys.length; index++) {
            if (oldKeys[index] != 0) {
                insert(oldKeys[index], oldValues[index]);
            }
        }
    }

    private static int hash(long key) {
        long mixed = key * 0x9E3779B97F4A7C15L;
        return (int) (mixed ^ (mixed >>> 32));
    }
}
