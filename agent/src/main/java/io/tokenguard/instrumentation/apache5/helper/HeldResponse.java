package io.tokenguard.instrumentation.apache5.helper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.hc.client5.http.async.AsyncExecCallback;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.nio.AsyncDataConsumer;
import org.apache.hc.core5.http.nio.CapacityChannel;

/**
 * A 401 on an async exchange, kept from the program until it is known whether the request will be retried.
 * Its body is read to the end either way: discarded on a retry (which keeps the connection usable), handed
 * to the program otherwise ({@link #deliver}). A body larger than {@link #LIMIT}, which no real 401 has, is
 * not held: it goes to the program as it arrives and the request is not retried.
 */
final class HeldResponse implements AsyncDataConsumer {
    static final int LIMIT = 256 * 1024;

    private final HttpResponse response;
    private final EntityDetails details;
    private final AsyncExecCallback program;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private List<? extends Header> trailers;
    /** Set once the body outgrew the limit; then {@link #consumer} (maybe null) gets the rest. */
    private volatile boolean passedOn;
    private AsyncDataConsumer consumer;
    private CapacityChannel capacity;

    HeldResponse(HttpResponse response, EntityDetails details, AsyncExecCallback program) {
        this.response = response;
        this.details = details;
        this.program = program;
    }

    boolean passedOn() {
        return passedOn;
    }

    @Override
    public void updateCapacity(CapacityChannel channel) throws IOException {
        if (passedOn) {
            if (consumer != null) {
                consumer.updateCapacity(channel);
            }
            return;
        }
        capacity = channel;
        channel.update(Integer.MAX_VALUE);
    }

    @Override
    public void consume(ByteBuffer src) throws IOException {
        if (!passedOn && body.size() + src.remaining() > LIMIT) {
            passOn();
        }
        if (passedOn) {
            if (consumer != null) {
                consumer.consume(src);
            } else {
                src.position(src.limit());
            }
            return;
        }
        byte[] chunk = new byte[src.remaining()];
        src.get(chunk);
        body.write(chunk, 0, chunk.length);
    }

    /** From now on the program reads the 401 itself, starting with what was held. */
    private void passOn() throws IOException {
        passedOn = true;
        try {
            consumer = program.handleResponse(response, details);
        } catch (HttpException e) {
            throw new IOException(e.getMessage(), e);
        }
        if (consumer != null) {
            if (capacity != null) {
                consumer.updateCapacity(capacity);
            }
            consumer.consume(ByteBuffer.wrap(body.toByteArray()));
        }
        body.reset();
    }

    @Override
    public void streamEnd(List<? extends Header> trailers) throws HttpException, IOException {
        if (passedOn) {
            if (consumer != null) {
                consumer.streamEnd(trailers);
            }
            return;
        }
        this.trailers = trailers;
    }

    @Override
    public void releaseResources() {
        if (passedOn && consumer != null) {
            consumer.releaseResources();
        }
    }

    /** The 401 was not retried: the program gets it, whole, then the end of the exchange. */
    void deliver() {
        try {
            AsyncDataConsumer target = program.handleResponse(response, details);
            if (target != null && details != null) {
                target.updateCapacity(increment -> { });
                if (body.size() > 0) {
                    target.consume(ByteBuffer.wrap(body.toByteArray()));
                }
                target.streamEnd(trailers);
            }
            program.completed();
        } catch (HttpException | IOException | RuntimeException e) {
            program.failed(e);
        }
    }
}
