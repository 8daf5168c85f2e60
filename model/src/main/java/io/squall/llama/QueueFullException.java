package io.squall.llama;

/**
 * A request was refused because every sequence slot is busy and the waiting queue is full
 * ({@link Llama.Options.Builder#maxQueued}); a server answers it with 429.
 */
public final class QueueFullException extends RuntimeException {
    /** @param message what was full */
    public QueueFullException(String message) {
        super(message);
    }
}
