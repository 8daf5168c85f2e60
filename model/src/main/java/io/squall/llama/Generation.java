package io.squall.llama;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A generation submitted with {@link Llama#submit}: it waits for a free sequence slot, then decodes together with the
 * model's other sequences. Read its text as it comes with {@link #nextText()}, wait for the whole with
 * {@link #await()}, stop it with {@link #cancel()}. Thread-safe.
 */
public final class Generation {
    private static final Object END = new Object();

    private final GenerationRequest request;
    private final int[] promptTokens;
    private final long deadlineNanos; // System.nanoTime() limit; Long.MAX_VALUE for none
    private final LinkedBlockingQueue<Object> pieces = new LinkedBlockingQueue<>();
    private final CompletableFuture<Completion> result = new CompletableFuture<>();
    private volatile boolean cancelled;

    Generation(GenerationRequest request, int[] promptTokens) {
        this.request = request;
        this.promptTokens = promptTokens;
        this.deadlineNanos = request.timeout() == null
                ? Long.MAX_VALUE
                : System.nanoTime() + request.timeout().toNanos();
    }

    /** The request. */
    public GenerationRequest request() {
        return request;
    }

    /** How many tokens the prompt has. */
    public int promptTokenCount() {
        return promptTokens.length;
    }

    /** Asks the generation to stop; it ends with {@link FinishReason#CANCELLED} at its next step (or before starting). */
    public void cancel() {
        cancelled = true;
    }

    /** Whether it has ended (finished, cancelled or failed). */
    public boolean isDone() {
        return result.isDone();
    }

    /**
     * The next piece of generated text, waiting for it; null once the generation has ended and every piece was read.
     */
    public String nextText() throws InterruptedException {
        Object o = pieces.take();
        if (o == END) {
            pieces.add(END); // later calls see the end too
            return null;
        }
        return (String) o;
    }

    /**
     * As {@link #nextText()}, waiting at most {@code timeout}; returns the empty string when nothing came in that time.
     */
    public String nextText(long timeout, TimeUnit unit) throws InterruptedException {
        Object o = pieces.poll(timeout, unit);
        if (o == null) {
            return "";
        }
        if (o == END) {
            pieces.add(END);
            return null;
        }
        return (String) o;
    }

    /**
     * Waits for the end and returns the completion.
     *
     * @throws RuntimeException the error that ended the generation (e.g. the model was closed)
     */
    public Completion await() throws InterruptedException {
        try {
            return result.get();
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        } catch (CancellationException e) {
            throw new IllegalStateException("generation cancelled before it produced a result", e);
        }
    }

    /** The completion as a future, for asynchronous code. */
    public CompletableFuture<Completion> completion() {
        return result.copy();
    }

    static RuntimeException unwrap(Throwable t) {
        if (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t instanceof RuntimeException r ? r : new IllegalStateException(t.getMessage(), t);
    }

    // --- used by the scheduler's decode thread ---

    int[] tokens() {
        return promptTokens;
    }

    boolean cancelled() {
        return cancelled;
    }

    boolean pastDeadline(long now) {
        return now - deadlineNanos > 0 && deadlineNanos != Long.MAX_VALUE;
    }

    void emit(String text) {
        if (!text.isEmpty()) {
            pieces.add(text);
        }
    }

    void finish(Completion c) {
        result.complete(c);
        pieces.add(END);
    }

    void fail(Throwable t) {
        result.completeExceptionally(t);
        pieces.add(END);
    }
}
