package io.tokenguard.instrumentation.apache5.helper;

import io.tokenguard.bootstrap.ClientHooks;
import io.tokenguard.bootstrap.GuardedCall;
import java.io.IOException;
import org.apache.hc.client5.http.async.AsyncExecCallback;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.nio.AsyncDataConsumer;

/**
 * Passes an async exchange's events on to the callback of the chain above. As the callback of the one
 * retry it also reports the retry's status ({@code request.retried}).
 */
class ForwardingCallback implements AsyncExecCallback {
    final AsyncExecCallback program;
    /** The call whose retry this is, or null. */
    private final GuardedCall retried;

    ForwardingCallback(AsyncExecCallback program, GuardedCall retried) {
        this.program = program;
        this.retried = retried;
    }

    @Override
    public AsyncDataConsumer handleResponse(HttpResponse response, EntityDetails details)
            throws HttpException, IOException {
        if (retried != null) {
            try {
                retried.retried(response.getCode());
            } catch (RuntimeException | LinkageError e) {
                ClientHooks.failed(TokenSlot.LIBRARY, e);
            }
        }
        return program.handleResponse(response, details);
    }

    @Override
    public void handleInformationResponse(HttpResponse response) throws HttpException, IOException {
        program.handleInformationResponse(response);
    }

    @Override
    public void completed() {
        program.completed();
    }

    @Override
    public void failed(Exception cause) {
        program.failed(cause);
    }
}
