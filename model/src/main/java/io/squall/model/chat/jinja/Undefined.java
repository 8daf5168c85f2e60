package io.squall.model.chat.jinja;

/** Jinja's undefined: a missing variable, key or attribute; renders as nothing, is false, iterates as empty. */
enum Undefined {
    INSTANCE
}
