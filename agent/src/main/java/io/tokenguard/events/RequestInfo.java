package io.tokenguard.events;

/** What events say about a request: never the query string (it may carry secrets), never headers. */
public final class RequestInfo {
    private final String host;
    private final String method;
    private final String path;
    private final String client;

    /** @param client the instrumentation that saw the request ({@code okhttp}, ...), so a log says which client */
    public RequestInfo(String host, String method, String path, String client) {
        this.host = host;
        this.method = method;
        this.path = path == null || path.isEmpty() ? "/" : path;
        this.client = client;
    }

    public String host() {
        return host;
    }

    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    public String client() {
        return client;
    }

    @Override
    public String toString() {
        return method + " " + host + path;
    }
}
