package io.tokenguard.oauth;

/** How the client authenticates to the token endpoint (RFC 6749 §2.3.1). */
public enum ClientAuth {
    /** Public client: {@code client_id} in the body, no secret. */
    NONE,
    /** {@code Authorization: Basic} with the form-encoded id and secret. */
    BASIC,
    /** {@code client_id} and {@code client_secret} in the body. */
    POST
}
