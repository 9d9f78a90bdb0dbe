package io.tokenguard.token;

import java.time.Instant;
import java.util.Objects;

/**
 * One generation of credentials: an access token, the refresh token that goes with it, and when the
 * access token expires. Immutable. {@link #toString()} shows fingerprints only, never a secret.
 */
public final class Token {
    private final String accessToken;
    private final String refreshToken;
    private final Instant expiresAt;
    private final Instant obtainedAt;
    private final String fingerprint;

    /**
     * @param refreshToken may be null (then the agent can inject but not refresh)
     * @param expiresAt may be null when neither the store nor the server said
     * @param obtainedAt when this process got the token; bounds proactive refresh to half the lifetime
     */
    public Token(String accessToken, String refreshToken, Instant expiresAt, Instant obtainedAt) {
        if (accessToken == null || accessToken.isEmpty()) {
            throw new IllegalArgumentException("access token is empty");
        }
        this.accessToken = accessToken;
        this.refreshToken = refreshToken == null || refreshToken.isEmpty() ? null : refreshToken;
        this.expiresAt = expiresAt;
        this.obtainedAt = Objects.requireNonNull(obtainedAt, "obtainedAt");
        this.fingerprint = Fingerprint.of(accessToken);
    }

    public String accessToken() {
        return accessToken;
    }

    /** May be null. */
    public String refreshToken() {
        return refreshToken;
    }

    /** May be null: unknown expiry, refreshed only when the server rejects it. */
    public Instant expiresAt() {
        return expiresAt;
    }

    public Instant obtainedAt() {
        return obtainedAt;
    }

    public String fingerprint() {
        return fingerprint;
    }

    public boolean sameAccessToken(Token other) {
        return other != null && accessToken.equals(other.accessToken);
    }

    public boolean isExpired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    /** Seconds until expiry (negative once expired), or -1 when unknown. */
    public long expiresInSeconds(Instant now) {
        return expiresAt == null ? -1 : Math.floorDiv(expiresAt.toEpochMilli() - now.toEpochMilli(), 1000);
    }

    @Override
    public String toString() {
        return "Token[fp=" + fingerprint + ", expiresAt=" + expiresAt + ", refreshToken="
                + (refreshToken == null ? "none" : Fingerprint.of(refreshToken)) + "]";
    }
}
