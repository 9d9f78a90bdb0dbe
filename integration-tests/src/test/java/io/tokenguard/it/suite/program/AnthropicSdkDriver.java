package io.tokenguard.it.suite.program;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.models.messages.MessageCreateParams;
import java.util.concurrent.CompletableFuture;

/**
 * The official Anthropic Java SDK (over OkHttp 4), configured with an auth token, as a program that
 * talks to the Messages API does. Every call is {@code messages().create(...)} against the URL's origin;
 * the SDK writes its own JSON body, so this driver suits the scenarios that check statuses, not bodies.
 */
public final class AnthropicSdkDriver implements Driver {
    private volatile AnthropicClient client;

    private AnthropicClient client(Call call) {
        AnthropicClient c = client;
        if (c == null) {
            synchronized (this) {
                if (client == null) {
                    client = AnthropicOkHttpClient.builder()
                            .baseUrl(call.url.getScheme() + "://" + call.url.getAuthority())
                            .authToken("placeholder") // sent as "Authorization: Bearer placeholder"
                            .maxRetries(0)
                            .build();
                }
                c = client;
            }
        }
        return c;
    }

    private static MessageCreateParams params() {
        return MessageCreateParams.builder().model("claude-test").maxTokens(16L).addUserMessage("Hello").build();
    }

    @Override
    public Reply send(Call call) {
        try {
            client(call).messages().create(params());
            return new Reply(200, "");
        } catch (AnthropicServiceException e) {
            return new Reply(e.statusCode(), String.valueOf(e.getMessage()));
        }
    }

    @Override
    public CompletableFuture<Reply> sendAsync(Call call) {
        return client(call).async().messages().create(params()).handle((message, failure) -> {
            if (failure == null) {
                return new Reply(200, "");
            }
            Throwable cause = failure instanceof java.util.concurrent.CompletionException ? failure.getCause() : failure;
            if (cause instanceof AnthropicServiceException) {
                return new Reply(((AnthropicServiceException) cause).statusCode(), String.valueOf(cause.getMessage()));
            }
            throw new java.util.concurrent.CompletionException(cause);
        });
    }

    @Override
    public void close() {
        AnthropicClient c = client;
        if (c != null) {
            c.close();
        }
    }
}
