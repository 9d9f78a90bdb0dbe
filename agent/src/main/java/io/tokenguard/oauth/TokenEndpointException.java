package io.tokenguard.oauth;

/**
 * A refresh that did not produce a token. The message is safe to log: status, error code and the
 * server's (redacted, truncated) description, never a token or secret.
 */
public final class TokenEndpointException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String error;
    private final String description;
    private final boolean terminal;
    private final Long retryAfterMillis;

    /**
     * @param status the HTTP status, 0 when there was no response
     * @param error an RFC 6749 §5.2 code, or {@code http_<status>}, {@code timeout}, {@code connect_failed},
     *     {@code io_error}, {@code invalid_response}
     * @param description safe to log (already redacted); may be null
     * @param terminal retrying with the same refresh token cannot succeed
     */
    public TokenEndpointException(int status, String error, String description, boolean terminal,
            Long retryAfterMillis, Throwable cause) {
        super(message(status, error, description), cause);
        this.status = status;
        this.error = error;
        this.description = description;
        this.terminal = terminal;
        this.retryAfterMillis = retryAfterMillis;
    }

    private static String message(int status, String error, String description) {
        String where = status == 0 ? "token endpoint gave no response: " : "token endpoint answered " + status + " ";
        return where + error + (description == null ? "" : ": " + description);
    }

    /** The HTTP status, 0 when there was no response (connection failure, timeout). */
    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    /** The server's {@code error_description}, redacted and at most 200 characters; may be null. */
    public String description() {
        return description;
    }

    /** True when the grant itself was refused: only a new login helps, retrying would replay a dead token. */
    public boolean terminal() {
        return terminal;
    }

    /** From a {@code Retry-After} header; may be null. */
    public Long retryAfterMillis() {
        return retryAfterMillis;
    }
}
