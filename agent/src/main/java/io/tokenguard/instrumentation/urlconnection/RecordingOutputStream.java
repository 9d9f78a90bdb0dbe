package io.tokenguard.instrumentation.urlconnection;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The program's request body on its way to the real connection's stream, with a copy kept for a retry.
 * Writing goes straight through (buffered and streaming modes alike); once the body outgrows
 * {@code max-replay-bytes} the copy is dropped and the request is no longer replayable.
 */
final class RecordingOutputStream extends OutputStream {
    private final OutputStream target;
    private final long limit;
    /** Null once dropped. */
    private volatile ByteArrayOutputStream copy = new ByteArrayOutputStream();

    RecordingOutputStream(OutputStream target, long limit) {
        this.target = target;
        this.limit = limit;
    }

    @Override
    public void write(int b) throws IOException {
        target.write(b);
        if (room(1)) {
            copy.write(b);
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        target.write(b, off, len);
        if (room(len)) {
            copy.write(b, off, len);
        }
    }

    /** Whether {@code more} bytes still fit in the copy; drops it when they do not. */
    private boolean room(int more) {
        ByteArrayOutputStream kept = copy;
        if (kept == null) {
            return false;
        }
        if (kept.size() + (long) more > limit) {
            copy = null;
            return false;
        }
        return true;
    }

    @Override
    public void flush() throws IOException {
        target.flush();
    }

    @Override
    public void close() throws IOException {
        target.close();
    }

    boolean writesTo(OutputStream stream) {
        return target == stream;
    }

    void dropCopy() {
        copy = null;
    }

    /** Every byte written so far, or null when the copy was dropped. */
    byte[] copy() {
        ByteArrayOutputStream kept = copy;
        return kept == null ? null : kept.toByteArray();
    }
}
