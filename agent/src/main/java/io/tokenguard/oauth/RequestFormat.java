package io.tokenguard.oauth;

/** Body encoding of the refresh request: RFC 6749 says form; some servers (reportedly Anthropic's) take JSON. */
public enum RequestFormat {
    FORM,
    JSON
}
