package io.squall.model.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class TerminalTextTest {
    @Test
    void controlSequencesBecomeVisibleEscapes() {
        // OSC 0 sets the window title; CSI 2J clears the screen; 0x9b is the one-byte CSI
        assertEquals(
                "\\x1b]0;title\\x07\\x1b[2J\\x9b31m", TerminalText.escape("\u001b]0;title\u0007\u001b[2J\u009b31m"));
        assertEquals("a\\nb\\tc\\rd\\x7f\\x00", TerminalText.escape("a\nb\tc\rd\u007f\u0000"));
        assertEquals(
                "abc\\u202edcba",
                TerminalText.escape("abc\u202edcba"),
                "a right-to-left override would reorder the text shown");
    }

    @Test
    void multiLineMessagesKeepTheirLines() {
        assertEquals("line 1\nline\t2 \\x1b[2J", TerminalText.escapeKeepingLines("line 1\nline\t2 \u001b[2J"));
    }

    @Test
    void printableTextIsUntouched() {
        String text = "Once upon a time, 日本語, émigré, emoji 🙂 and \"quotes\"";
        assertSame(text, TerminalText.escape(text));
    }
}
