package io.tokenguard.it.suite.program;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The official OpenAI Java SDK (over OkHttp 4) with its key sent as {@code Authorization: Bearer ...}: every
 * call is a chat completion against {@code <origin>/v1}. Like the Anthropic SDK it writes its own bodies.
 */
public final class OpenAiSdkDriver implements Driver {
    private volatile OpenAIClient client;

    private OpenAIClient client(Call call) {
        OpenAIClient c = client;
        if (c == null) {
            synchronized (this) {
                if (client == null) {
                    client = OpenAIOkHttpClient.builder()
                            .baseUrl(call.url.getScheme() + "://" + call.url.getAuthority() + "/v1")
                            .apiKey("placeholder")
                            .maxRetries(0)
                            .build();
                }
                c = client;
            }
        }
        return c;
    }

    private static ChatCompletionCreateParams params() {
        return ChatCompletionCreateParams.builder().model("gpt-test").addUserMessage("Hello").build();
    }

    @Override
    public Reply send(Call call) {
        try {
            client(call).chat().completions().create(params());
            return new Reply(200, "");
        } catch (OpenAIServiceException e) {
            return new Reply(e.statusCode(), String.valueOf(e.getMessage()));
        }
    }

    @Override
    public CompletableFuture<Reply> sendAsync(Call call) {
        return client(call).async().chat().completions().create(params()).handle((completion, failure) -> {
            if (failure == null) {
                return new Reply(200, "");
            }
            Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
            if (cause instanceof OpenAIServiceException) {
                return new Reply(((OpenAIServiceException) cause).statusCode(), String.valueOf(cause.getMessage()));
            }
            throw new CompletionException(cause);
        });
    }

    @Override
    public void close() {
        OpenAIClient c = client;
        if (c != null) {
            c.close();
        }
    }
}
