package io.tokenguard.instrumentation.urlconnection;

import io.tokenguard.bootstrap.PassThrough;
import io.tokenguard.events.RequestInfo;
import io.tokenguard.guard.RequestGuard;
import io.tokenguard.token.Token;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URL;
import java.net.URLConnection;
import javax.net.ssl.HttpsURLConnection;

/**
 * The logic behind both connection shells: one request as the program builds it, the real JDK
 * connection that carries it, and a second real connection for the retry after a 401 (a third when the
 * retry's 401 may be the same revocation: {@link RequestGuard#retried}).
 *
 * <ol>
 *   <li>Building: every setter goes to the real connection at once, so that the program meets the
 *       JDK's own getters and exceptions, and is recorded to set up a second connection alike.</li>
 *   <li>Started: at the first {@code connect()}, {@code getOutputStream()} or response accessor. The JDK
 *       takes no request property after that, so the header set is final: the token goes on now.</li>
 *   <li>Answered: at the first response accessor the real connection's status is read. A 401 from a
 *       guarded host becomes one refresh and one retry on a second connection, to which every call goes
 *       from then on; the program never sees the first answer.</li>
 * </ol>
 *
 * Any failure of the agent's own code is logged once and leaves the program with plain delegation to
 * the JDK's connection. {@link #disconnect()} takes no lock: programs call it from another thread to
 * abort a call that hangs.
 */
final class GuardedExchange {
    static final String NAME = "url-connection";
    /** How much of a rejected answer's body is read so that its keep-alive connection can serve the retry. */
    private static final int DRAIN_LIMIT = 64 * 1024;

    private final RequestGuard guard;
    private final URL url;
    private final Proxy proxy;
    private final ConnectionSettings settings = new ConnectionSettings();
    /** Where every call goes: the first real connection, after a retry the second. */
    private volatile HttpURLConnection current;
    private volatile boolean disconnected;
    /** What the program set the token header to (null: not set); the JDK hides {@code Authorization}. */
    private String programHeaderValue;
    private boolean started;
    private boolean answered;
    /** The token the first attempt carries; null while (or when) the request is untouched. */
    private Token token;
    /** The program's body on the first connection, null when it asked for no output stream. */
    private RecordingOutputStream body;

    GuardedExchange(RequestGuard guard, URL url, Proxy proxy, HttpURLConnection first) {
        this.guard = guard;
        this.url = url;
        this.proxy = proxy;
        this.current = first;
    }

    /**
     * The connection the program gets for {@code real}: an https shell exactly when {@code real} is https.
     * Made here rather than in the interceptor, so that the agent's start loads none of these classes.
     */
    static HttpURLConnection shell(RequestGuard guard, URL url, Proxy proxy, HttpURLConnection real) {
        GuardedExchange exchange = new GuardedExchange(guard, url, proxy, real);
        return real instanceof HttpsURLConnection ? new GuardedHttpsURLConnection(url, exchange)
                : new GuardedHttpURLConnection(url, exchange);
    }

    /** A JDK connection that no hook intercepts (the hooked handler answers null under PassThrough). */
    static URLConnection openUntouched(URL url, Proxy proxy) throws IOException {
        PassThrough.enter();
        try {
            return proxy == null ? url.openConnection() : url.openConnection(proxy);
        } finally {
            PassThrough.exit();
        }
    }

    /** The connection calls go to now, for everything that neither sends nor reads the exchange. */
    HttpURLConnection current() {
        return current;
    }

    /** A setter: the real connection takes it first (its exceptions are the program's), then it is recorded. */
    synchronized <E extends Exception> void set(ConnectionSettings.Setting<E> setting) throws E {
        setting.applyTo(current);
        settings.add(setting);
    }

    synchronized void setRequestProperty(String key, String value) {
        set(connection -> connection.setRequestProperty(key, value));
        if (guard.header().equalsIgnoreCase(key)) {
            programHeaderValue = value;
        }
    }

    synchronized void addRequestProperty(String key, String value) {
        set(connection -> connection.addRequestProperty(key, value));
        if (guard.header().equalsIgnoreCase(key)) {
            programHeaderValue = value; // the JDK, too, reports the last value added
        }
    }

    /** The JDK's answer, except that the token header reads as the program set it, never as the token. */
    String getRequestProperty(String key) {
        String value = current.getRequestProperty(key);
        synchronized (this) {
            if (value != null && token != null && guard.header().equalsIgnoreCase(key)) {
                return programHeaderValue;
            }
        }
        return value;
    }

    synchronized void connect() throws IOException {
        start();
        current.connect();
    }

    synchronized OutputStream getOutputStream() throws IOException {
        start();
        OutputStream out = current.getOutputStream();
        if (answered || token == null) {
            return out;
        }
        if (body != null && body.writesTo(out)) {
            return body; // the JDK hands out one stream per connection; so do we
        }
        RecordingOutputStream previous = body;
        body = new RecordingOutputStream(out, guard.maxReplayBytes());
        if (previous != null) {
            body.dropCopy(); // bytes went to another stream as well: no single copy holds the whole body
        }
        return body;
    }

    /** The connection that holds the response, after running the exchange on the first call. */
    HttpURLConnection answered() {
        synchronized (this) {
            if (!answered) {
                start();
                answered = true;
                if (token != null) {
                    try {
                        retryOnRejection();
                    } catch (RuntimeException | LinkageError e) {
                        guard.internalFailure(NAME, e);
                    } finally {
                        body = null; // the copy is not needed any more
                    }
                }
            }
        }
        return current;
    }

    void disconnect() {
        disconnected = true;
        current.disconnect();
    }

    /** The header set is final: put the token on (per {@code inject}), once. */
    private void start() {
        if (started) {
            return;
        }
        started = true;
        try {
            if (guard.shouldInject(programHeaderValue != null)) {
                Token forRequest = guard.tokenForRequest();
                if (forRequest != null) {
                    current.setRequestProperty(guard.header(), guard.headerValue(forRequest));
                    token = forRequest;
                }
            }
        } catch (RuntimeException | LinkageError e) {
            guard.internalFailure(NAME, e);
        }
    }

    private void retryOnRejection() {
        HttpURLConnection first = current;
        int status;
        try {
            status = first.getResponseCode();
        } catch (IOException | RuntimeException e) {
            return; // no answer: the program's own call meets the JDK's failure
        }
        URL answeredBy = first.getURL(); // after redirects
        if (status != RequestGuard.UNAUTHORIZED || disconnected
                || !guard.guards(answeredBy.getProtocol(), answeredBy.getHost(), answeredBy.getPort())) {
            return;
        }
        RequestInfo info = new RequestInfo(answeredBy.getHost(), first.getRequestMethod(), answeredBy.getPath(), NAME);
        byte[] replay = body == null ? null : body.copy();
        if (body != null && replay == null) {
            guard.bodyNotReplayable(info, status, token);
            return;
        }
        Token fresh = guard.rejected(info, status, token);
        if (fresh == null || disconnected) {
            return;
        }
        int retryStatus = resend(first, fresh, replay);
        if (retryStatus < 0) {
            return;
        }
        Token last = guard.retried(info, retryStatus, fresh);
        if (last == null || disconnected) {
            return;
        }
        int lastStatus = resend(current, last, replay); // current: the retry's connection
        if (lastStatus >= 0) {
            guard.retriedAgain(info, lastStatus, last);
        }
    }

    /**
     * Sends the request again, carrying {@code fresh}, on a new real connection that answers the program from
     * then on. Its status, or -1 when it has none (the program's own call then meets the failure).
     */
    private int resend(HttpURLConnection rejected, Token fresh, byte[] replay) {
        HttpURLConnection next = secondConnection(fresh);
        if (next == null) {
            return -1;
        }
        drain(rejected);
        current = next;
        try {
            if (replay != null) {
                try (OutputStream out = next.getOutputStream()) {
                    out.write(replay);
                }
            }
            return next.getResponseCode();
        } catch (IOException e) {
            return -1;
        }
    }

    /** A new real connection set up as the program set up the first, carrying {@code fresh}; null if it cannot be. */
    private HttpURLConnection secondConnection(Token fresh) {
        try {
            HttpURLConnection second = (HttpURLConnection) openUntouched(url, proxy);
            settings.replayOn(second);
            second.setRequestProperty(guard.header(), guard.headerValue(fresh));
            return second;
        } catch (Exception | LinkageError e) {
            guard.internalFailure(NAME, e); // the program gets the 401 it would have had without the agent
            return null;
        }
    }

    /** Reads (a bounded part of) the 401's body and closes it, so that its keep-alive socket is reused. */
    private static void drain(HttpURLConnection rejected) {
        InputStream error = rejected.getErrorStream();
        if (error == null) {
            return;
        }
        try (InputStream in = error) {
            byte[] buffer = new byte[8192];
            long left = DRAIN_LIMIT;
            int read;
            while (left > 0 && (read = in.read(buffer, 0, (int) Math.min(buffer.length, left))) >= 0) {
                left -= read;
            }
        } catch (IOException e) {
            // Then the socket is not reused; the retry opens another.
        }
    }
}
