/**
 * LangChain4j 1.x integration: {@link io.squall.langchain4j.SquallChatModel} ({@code ChatModel}) and
 * {@link io.squall.langchain4j.SquallStreamingChatModel} ({@code StreamingChatModel}) run a GGUF Llama model in
 * process through Squall's inference API ({@code io.squall.llama}).
 */
package io.squall.langchain4j;
