package io.tokenguard.instrumentation.jdkhttp;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.Flow;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;

/**
 * A request body that can be sent a second time, intact. The JDK's own publishers for byte arrays,
 * strings, files and empty bodies produce their content again on every subscription (the JDK itself
 * relies on this to resend bodies on redirects), so they are reused as they are. Any other publisher
 * (a stream, a custom {@code Flow.Publisher}) may be one-shot: its bytes are recorded while the first
 * attempt sends them, up to {@code max-replay-bytes}, and the retry sends the recording.
 */
final class ReplayableBody {
    private static final String JDK_PUBLISHERS = "jdk.internal.net.http.RequestPublishers$";

    private final Optional<BodyPublisher> original;
    private final Recording recording;

    private ReplayableBody(Optional<BodyPublisher> original, Recording recording) {
        this.original = original;
        this.recording = recording;
    }

    static ReplayableBody of(Optional<BodyPublisher> publisher, long maxReplayBytes) {
        if (publisher.isEmpty() || reproducible(publisher.get())) {
            return new ReplayableBody(publisher, null);
        }
        return new ReplayableBody(publisher, new Recording(publisher.get(), maxReplayBytes));
    }

    private static boolean reproducible(BodyPublisher publisher) {
        String name = publisher.getClass().getName();
        if (!name.startsWith(JDK_PUBLISHERS)) {
            return false;
        }
        String kind = name.substring(JDK_PUBLISHERS.length());
        return kind.equals("ByteArrayPublisher") || kind.equals("StringPublisher")
                || kind.equals("FilePublisher") || kind.equals("EmptyPublisher");
    }

    /** The body for the first attempt (recording where needed). */
    Optional<BodyPublisher> first() {
        return recording == null ? original : Optional.of(recording);
    }

    /** The body for the retry, or null when it cannot be sent again. */
    Optional<BodyPublisher> retry() {
        if (recording == null) {
            return original;
        }
        byte[] bytes = recording.completeBytes();
        return bytes == null ? null : Optional.of(BodyPublishers.ofByteArray(bytes));
    }

    /** Passes the original publisher's bytes through and keeps a copy of the last complete subscription. */
    private static final class Recording implements BodyPublisher {
        private final BodyPublisher delegate;
        private final long max;
        private volatile Tape tape;

        Recording(BodyPublisher delegate, long max) {
            this.delegate = delegate;
            this.max = max;
        }

        @Override
        public long contentLength() {
            return delegate.contentLength();
        }

        @Override
        public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
            Tape fresh = new Tape(max);
            tape = fresh;
            delegate.subscribe(new Flow.Subscriber<ByteBuffer>() {
                @Override
                public void onSubscribe(Flow.Subscription subscription) {
                    subscriber.onSubscribe(subscription);
                }

                @Override
                public void onNext(ByteBuffer item) {
                    fresh.append(item);
                    subscriber.onNext(item);
                }

                @Override
                public void onError(Throwable throwable) {
                    subscriber.onError(throwable);
                }

                @Override
                public void onComplete() {
                    fresh.complete = true;
                    subscriber.onComplete();
                }
            });
        }

        byte[] completeBytes() {
            Tape t = tape;
            return t == null ? null : t.bytes();
        }
    }

    private static final class Tape {
        private final long max;
        private byte[] buffer = new byte[256];
        private int size;
        private boolean overflow;
        volatile boolean complete;

        Tape(long max) {
            this.max = max;
        }

        synchronized void append(ByteBuffer item) {
            int n = item.remaining();
            if (overflow || size + (long) n > max) {
                overflow = true;
                buffer = null;
                return;
            }
            if (size + n > buffer.length) {
                byte[] grown = new byte[(int) Math.min(max, Math.max((long) buffer.length * 2, size + n))];
                System.arraycopy(buffer, 0, grown, 0, size);
                buffer = grown;
            }
            item.duplicate().get(buffer, size, n);
            size += n;
        }

        synchronized byte[] bytes() {
            if (!complete || overflow) {
                return null;
            }
            byte[] out = new byte[size];
            System.arraycopy(buffer, 0, out, 0, size);
            return out;
        }
    }
}
