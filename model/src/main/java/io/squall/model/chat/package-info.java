/**
 * Chat turns and the Llama 2 / Llama 3 chat templates, rendered as Meta's Jinja templates render them. Plain Java, no
 * dependencies on the other model packages.
 */
package io.squall.model.chat;
