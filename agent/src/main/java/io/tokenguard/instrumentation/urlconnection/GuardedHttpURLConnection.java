package io.tokenguard.instrumentation.urlconnection;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Authenticator;
import java.net.HttpURLConnection;
import java.net.ProtocolException;
import java.net.URL;
import java.security.Permission;
import java.util.List;
import java.util.Map;

/**
 * What the program holds instead of the JDK's connection for an {@code http} URL to a guarded host. It only
 * sorts each call into one of three kinds and hands it to the {@link GuardedExchange}: a setter (applied and
 * recorded), a call that reads the response (which runs the exchange first), or anything else (the current
 * real connection answers). The https shell forwards to one of these as well, so the sorting is done here only.
 */
final class GuardedHttpURLConnection extends HttpURLConnection {
    private final GuardedExchange exchange;

    GuardedHttpURLConnection(URL url, GuardedExchange exchange) {
        super(url);
        this.exchange = exchange;
    }

    // Setters: the real connection takes each at once, and the retry's connection gets the same.

    @Override
    public void setRequestMethod(String method) throws ProtocolException {
        exchange.set(c -> c.setRequestMethod(method));
    }

    @Override
    public void setRequestProperty(String key, String value) {
        exchange.setRequestProperty(key, value);
    }

    @Override
    public void addRequestProperty(String key, String value) {
        exchange.addRequestProperty(key, value);
    }

    @Override
    public void setConnectTimeout(int timeout) {
        exchange.set(c -> c.setConnectTimeout(timeout));
    }

    @Override
    public void setReadTimeout(int timeout) {
        exchange.set(c -> c.setReadTimeout(timeout));
    }

    @Override
    public void setDoInput(boolean doInput) {
        exchange.set(c -> c.setDoInput(doInput));
    }

    @Override
    public void setDoOutput(boolean doOutput) {
        exchange.set(c -> c.setDoOutput(doOutput));
    }

    @Override
    public void setUseCaches(boolean useCaches) {
        exchange.set(c -> c.setUseCaches(useCaches));
    }

    @Override
    public void setIfModifiedSince(long ifModifiedSince) {
        exchange.set(c -> c.setIfModifiedSince(ifModifiedSince));
    }

    @Override
    public void setAllowUserInteraction(boolean allowUserInteraction) {
        exchange.set(c -> c.setAllowUserInteraction(allowUserInteraction));
    }

    @Override
    public void setInstanceFollowRedirects(boolean followRedirects) {
        exchange.set(c -> c.setInstanceFollowRedirects(followRedirects));
    }

    @Override
    public void setFixedLengthStreamingMode(int contentLength) {
        exchange.set(c -> c.setFixedLengthStreamingMode(contentLength));
    }

    @Override
    public void setFixedLengthStreamingMode(long contentLength) {
        exchange.set(c -> c.setFixedLengthStreamingMode(contentLength));
    }

    @Override
    public void setChunkedStreamingMode(int chunkLength) {
        exchange.set(c -> c.setChunkedStreamingMode(chunkLength));
    }

    @Override
    public void setAuthenticator(Authenticator authenticator) {
        exchange.set(c -> c.setAuthenticator(authenticator));
    }

    // Sending.

    @Override
    public void connect() throws IOException {
        exchange.connect();
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        return exchange.getOutputStream();
    }

    @Override
    public void disconnect() {
        exchange.disconnect();
    }

    // The response: the first of these runs the exchange, so it already sees a retried answer.

    @Override
    public int getResponseCode() throws IOException {
        return exchange.answered().getResponseCode();
    }

    @Override
    public String getResponseMessage() throws IOException {
        return exchange.answered().getResponseMessage();
    }

    @Override
    public InputStream getInputStream() throws IOException {
        return exchange.answered().getInputStream();
    }

    @Override
    public String getHeaderField(String name) {
        return exchange.answered().getHeaderField(name);
    }

    @Override
    public String getHeaderField(int n) {
        return exchange.answered().getHeaderField(n);
    }

    @Override
    public String getHeaderFieldKey(int n) {
        return exchange.answered().getHeaderFieldKey(n);
    }

    @Override
    public Map<String, List<String>> getHeaderFields() {
        return exchange.answered().getHeaderFields();
    }

    @Override
    public long getHeaderFieldDate(String name, long defaultValue) {
        return exchange.answered().getHeaderFieldDate(name, defaultValue);
    }

    @Override
    public int getHeaderFieldInt(String name, int defaultValue) {
        return exchange.answered().getHeaderFieldInt(name, defaultValue);
    }

    @Override
    public long getHeaderFieldLong(String name, long defaultValue) {
        return exchange.answered().getHeaderFieldLong(name, defaultValue);
    }

    @Override
    public Object getContent() throws IOException {
        return exchange.answered().getContent();
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Object getContent(Class[] classes) throws IOException {
        return exchange.answered().getContent(classes);
    }

    @Override
    public int getContentLength() {
        return exchange.answered().getContentLength();
    }

    @Override
    public long getContentLengthLong() {
        return exchange.answered().getContentLengthLong();
    }

    @Override
    public String getContentType() {
        return exchange.answered().getContentType();
    }

    @Override
    public String getContentEncoding() {
        return exchange.answered().getContentEncoding();
    }

    @Override
    public long getDate() {
        return exchange.answered().getDate();
    }

    @Override
    public long getExpiration() {
        return exchange.answered().getExpiration();
    }

    @Override
    public long getLastModified() {
        return exchange.answered().getLastModified();
    }

    // Everything else: the current real connection answers (before the exchange, as the JDK would).

    @Override
    public InputStream getErrorStream() {
        return exchange.current().getErrorStream();
    }

    @Override
    public String getRequestProperty(String key) {
        return exchange.getRequestProperty(key);
    }

    @Override
    public Map<String, List<String>> getRequestProperties() {
        return exchange.current().getRequestProperties();
    }

    @Override
    public String getRequestMethod() {
        return exchange.current().getRequestMethod();
    }

    @Override
    public int getConnectTimeout() {
        return exchange.current().getConnectTimeout();
    }

    @Override
    public int getReadTimeout() {
        return exchange.current().getReadTimeout();
    }

    @Override
    public boolean getDoInput() {
        return exchange.current().getDoInput();
    }

    @Override
    public boolean getDoOutput() {
        return exchange.current().getDoOutput();
    }

    @Override
    public boolean getUseCaches() {
        return exchange.current().getUseCaches();
    }

    @Override
    public long getIfModifiedSince() {
        return exchange.current().getIfModifiedSince();
    }

    @Override
    public boolean getAllowUserInteraction() {
        return exchange.current().getAllowUserInteraction();
    }

    @Override
    public boolean getInstanceFollowRedirects() {
        return exchange.current().getInstanceFollowRedirects();
    }

    @Override
    public URL getURL() {
        return exchange.current().getURL();
    }

    @Override
    public Permission getPermission() throws IOException {
        return exchange.current().getPermission();
    }

    @Override
    public boolean usingProxy() {
        return exchange.current().usingProxy();
    }

    @Override
    public String toString() {
        return exchange.current().toString();
    }
}
