package io.squall.model.llama;

/** A prompt or generation needs more positions than the engine's context window holds. */
public final class ContextWindowExceededException extends IllegalStateException {
    private final int requested;
    private final int window;

    public ContextWindowExceededException(int requested, int window, int modelContextLength) {
        super("context window exceeded: " + requested + " tokens needed, the window holds " + window
                + (window < modelContextLength
                        ? " (the model's context_length is " + modelContextLength + "; raise --ctx-size)"
                        : " (the model's context_length)"));
        this.requested = requested;
        this.window = window;
    }

    public int requested() {
        return requested;
    }

    public int window() {
        return window;
    }
}
