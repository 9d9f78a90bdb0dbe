package io.tokenguard.instrumentation.urlconnection;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.UndeclaredThrowableException;
import java.net.Authenticator;
import java.net.ProtocolException;
import java.net.URL;
import java.security.Permission;
import java.security.Principal;
import java.security.cert.Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocketFactory;

/**
 * The {@code https} twin of {@link GuardedHttpURLConnection}, so that {@code instanceof HttpsURLConnection}
 * holds exactly when it does for the JDK's own connection. Java has one superclass, so this one cannot
 * inherit the http shell: it forwards every HTTP call to one (the JDK's {@code HttpsURLConnectionImpl} is
 * built the same way), and the TLS calls to the current real connection. The hostname verifier and the
 * SSL socket factory are setters like any other: applied at once and recorded for the retry.
 */
final class GuardedHttpsURLConnection extends HttpsURLConnection {
    /** {@code getSSLSession()}, public from Java 12 on; null on Java 11, where nothing can call it. */
    private static final MethodHandle SSL_SESSION = sslSessionMethod();

    private final GuardedExchange exchange;
    private final GuardedHttpURLConnection http;

    GuardedHttpsURLConnection(URL url, GuardedExchange exchange) {
        super(url);
        this.exchange = exchange;
        this.http = new GuardedHttpURLConnection(url, exchange);
    }

    private HttpsURLConnection secure() {
        return (HttpsURLConnection) exchange.current();
    }

    // TLS.

    @Override
    public String getCipherSuite() {
        return secure().getCipherSuite();
    }

    @Override
    public Certificate[] getLocalCertificates() {
        return secure().getLocalCertificates();
    }

    @Override
    public Certificate[] getServerCertificates() throws SSLPeerUnverifiedException {
        return secure().getServerCertificates();
    }

    @Override
    public Principal getPeerPrincipal() throws SSLPeerUnverifiedException {
        return secure().getPeerPrincipal();
    }

    @Override
    public Principal getLocalPrincipal() {
        return secure().getLocalPrincipal();
    }

    @Override
    public void setHostnameVerifier(HostnameVerifier verifier) {
        exchange.set(c -> ((HttpsURLConnection) c).setHostnameVerifier(verifier));
    }

    @Override
    public HostnameVerifier getHostnameVerifier() {
        return secure().getHostnameVerifier();
    }

    @Override
    public void setSSLSocketFactory(SSLSocketFactory factory) {
        exchange.set(c -> ((HttpsURLConnection) c).setSSLSocketFactory(factory));
    }

    @Override
    public SSLSocketFactory getSSLSocketFactory() {
        return secure().getSSLSocketFactory();
    }

    /** Overrides {@code HttpsURLConnection.getSSLSession()} on Java 12+ (the agent is compiled for 11). */
    @SuppressWarnings("unchecked")
    public Optional<SSLSession> getSSLSession() {
        if (SSL_SESSION == null) {
            return Optional.empty();
        }
        try {
            return (Optional<SSLSession>) SSL_SESSION.invoke(secure());
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new UndeclaredThrowableException(t);
        }
    }

    private static MethodHandle sslSessionMethod() {
        try {
            return MethodHandles.publicLookup().findVirtual(HttpsURLConnection.class, "getSSLSession",
                    MethodType.methodType(Optional.class));
        } catch (NoSuchMethodException | IllegalAccessException e) {
            return null;
        }
    }

    // HTTP: the http shell sorts these.

    @Override
    public void setRequestMethod(String method) throws ProtocolException {
        http.setRequestMethod(method);
    }

    @Override
    public void setRequestProperty(String key, String value) {
        http.setRequestProperty(key, value);
    }

    @Override
    public void addRequestProperty(String key, String value) {
        http.addRequestProperty(key, value);
    }

    @Override
    public void setConnectTimeout(int timeout) {
        http.setConnectTimeout(timeout);
    }

    @Override
    public void setReadTimeout(int timeout) {
        http.setReadTimeout(timeout);
    }

    @Override
    public void setDoInput(boolean doInput) {
        http.setDoInput(doInput);
    }

    @Override
    public void setDoOutput(boolean doOutput) {
        http.setDoOutput(doOutput);
    }

    @Override
    public void setUseCaches(boolean useCaches) {
        http.setUseCaches(useCaches);
    }

    @Override
    public void setIfModifiedSince(long ifModifiedSince) {
        http.setIfModifiedSince(ifModifiedSince);
    }

    @Override
    public void setAllowUserInteraction(boolean allowUserInteraction) {
        http.setAllowUserInteraction(allowUserInteraction);
    }

    @Override
    public void setInstanceFollowRedirects(boolean followRedirects) {
        http.setInstanceFollowRedirects(followRedirects);
    }

    @Override
    public void setFixedLengthStreamingMode(int contentLength) {
        http.setFixedLengthStreamingMode(contentLength);
    }

    @Override
    public void setFixedLengthStreamingMode(long contentLength) {
        http.setFixedLengthStreamingMode(contentLength);
    }

    @Override
    public void setChunkedStreamingMode(int chunkLength) {
        http.setChunkedStreamingMode(chunkLength);
    }

    @Override
    public void setAuthenticator(Authenticator authenticator) {
        http.setAuthenticator(authenticator);
    }

    @Override
    public void connect() throws IOException {
        http.connect();
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        return http.getOutputStream();
    }

    @Override
    public void disconnect() {
        http.disconnect();
    }

    @Override
    public int getResponseCode() throws IOException {
        return http.getResponseCode();
    }

    @Override
    public String getResponseMessage() throws IOException {
        return http.getResponseMessage();
    }

    @Override
    public InputStream getInputStream() throws IOException {
        return http.getInputStream();
    }

    @Override
    public String getHeaderField(String name) {
        return http.getHeaderField(name);
    }

    @Override
    public String getHeaderField(int n) {
        return http.getHeaderField(n);
    }

    @Override
    public String getHeaderFieldKey(int n) {
        return http.getHeaderFieldKey(n);
    }

    @Override
    public Map<String, List<String>> getHeaderFields() {
        return http.getHeaderFields();
    }

    @Override
    public long getHeaderFieldDate(String name, long defaultValue) {
        return http.getHeaderFieldDate(name, defaultValue);
    }

    @Override
    public int getHeaderFieldInt(String name, int defaultValue) {
        return http.getHeaderFieldInt(name, defaultValue);
    }

    @Override
    public long getHeaderFieldLong(String name, long defaultValue) {
        return http.getHeaderFieldLong(name, defaultValue);
    }

    @Override
    public Object getContent() throws IOException {
        return http.getContent();
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Object getContent(Class[] classes) throws IOException {
        return http.getContent(classes);
    }

    @Override
    public int getContentLength() {
        return http.getContentLength();
    }

    @Override
    public long getContentLengthLong() {
        return http.getContentLengthLong();
    }

    @Override
    public String getContentType() {
        return http.getContentType();
    }

    @Override
    public String getContentEncoding() {
        return http.getContentEncoding();
    }

    @Override
    public long getDate() {
        return http.getDate();
    }

    @Override
    public long getExpiration() {
        return http.getExpiration();
    }

    @Override
    public long getLastModified() {
        return http.getLastModified();
    }

    @Override
    public InputStream getErrorStream() {
        return http.getErrorStream();
    }

    @Override
    public String getRequestProperty(String key) {
        return http.getRequestProperty(key);
    }

    @Override
    public Map<String, List<String>> getRequestProperties() {
        return http.getRequestProperties();
    }

    @Override
    public String getRequestMethod() {
        return http.getRequestMethod();
    }

    @Override
    public int getConnectTimeout() {
        return http.getConnectTimeout();
    }

    @Override
    public int getReadTimeout() {
        return http.getReadTimeout();
    }

    @Override
    public boolean getDoInput() {
        return http.getDoInput();
    }

    @Override
    public boolean getDoOutput() {
        return http.getDoOutput();
    }

    @Override
    public boolean getUseCaches() {
        return http.getUseCaches();
    }

    @Override
    public long getIfModifiedSince() {
        return http.getIfModifiedSince();
    }

    @Override
    public boolean getAllowUserInteraction() {
        return http.getAllowUserInteraction();
    }

    @Override
    public boolean getInstanceFollowRedirects() {
        return http.getInstanceFollowRedirects();
    }

    @Override
    public URL getURL() {
        return http.getURL();
    }

    @Override
    public Permission getPermission() throws IOException {
        return http.getPermission();
    }

    @Override
    public boolean usingProxy() {
        return http.usingProxy();
    }

    @Override
    public String toString() {
        return http.toString();
    }
}
