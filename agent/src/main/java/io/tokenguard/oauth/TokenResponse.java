package io.tokenguard.oauth;

import io.tokenguard.token.Fingerprint;

/** A successful refresh (RFC 6749 §5.1). {@link #toString()} shows fingerprints only. */
public final class TokenResponse {
    private final String accessToken;
    private final String refreshToken;
    private final Long expiresInMillis;
    private final String scope;

    /**
     * @param refreshToken null when the server did not rotate it (then the old one stays valid)
     * @param expiresInMillis null when the server did not say
     */
    public TokenResponse(String accessToken, String refreshToken, Long expiresInMillis, String scope) {
        if (accessToken == null || accessToken.isEmpty()) {
            throw new IllegalArgumentException("access token is empty");
        }
        this.accessToken = accessToken;
        this.refreshToken = refreshToken == null || refreshToken.isEmpty() ? null : refreshToken;
        this.expiresInMillis = expiresInMillis;
        this.scope = scope;
    }

    public String accessToken() {
        return accessToken;
    }

    /** May be null: the server kept the old refresh token. */
    public String refreshToken() {
        return refreshToken;
    }

    /** May be null: the server gave no usable {@code expires_in}. */
    public Long expiresInMillis() {
        return expiresInMillis;
    }

    /** May be null. */
    public String scope() {
        return scope;
    }

    @Override
    public String toString() {
        return "TokenResponse[fp=" + Fingerprint.of(accessToken) + ", refreshToken="
                + (refreshToken == null ? "none" : Fingerprint.of(refreshToken)) + ", expiresInMillis="
                + expiresInMillis + ", scope=" + scope + "]";
    }
}
