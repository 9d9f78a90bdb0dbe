package io.tokenguard.events;

/** What events say about a request: never the query string (it may carry secrets), never headers. */
public final class RequestInfo {
    private final String host;
    private final String method;
    private final String path;

    public RequestInfo(String host, String method, String path) {
        this.host = host;
        this.method = method;
        this.path = path == null || path.isEmpty() ? "/" : path;
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

    @Override
    public String toString() {
        return method + " " + host + path;
    }
}
