package io.tokenguard.it.suite.program;

import java.io.IOException;
import java.util.Set;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;
import org.apache.hc.core5.http.nio.DataStreamChannel;

/** An HttpClient 5 body producer that, like one streaming from a socket or a pipe, cannot start over. */
final class OneShotProducer implements AsyncEntityProducer {
    private final AsyncEntityProducer body;

    OneShotProducer(AsyncEntityProducer body) {
        this.body = body;
    }

    @Override
    public boolean isRepeatable() {
        return false;
    }

    @Override
    public void failed(Exception cause) {
        body.failed(cause);
    }

    @Override
    public long getContentLength() {
        return body.getContentLength();
    }

    @Override
    public String getContentType() {
        return body.getContentType();
    }

    @Override
    public String getContentEncoding() {
        return body.getContentEncoding();
    }

    @Override
    public boolean isChunked() {
        return body.isChunked();
    }

    @Override
    public Set<String> getTrailerNames() {
        return body.getTrailerNames();
    }

    @Override
    public int available() {
        return body.available();
    }

    @Override
    public void produce(DataStreamChannel channel) throws IOException {
        body.produce(channel);
    }

    @Override
    public void releaseResources() {
        body.releaseResources();
    }
}
