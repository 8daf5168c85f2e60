package io.squall.model.chat.jinja;

/** A template that cannot be parsed or rendered (the message says what and where), or raise_exception's message. */
public final class JinjaException extends RuntimeException {
    public JinjaException(String message) {
        super(message);
    }
}
