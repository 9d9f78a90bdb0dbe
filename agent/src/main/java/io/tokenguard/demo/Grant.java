package io.tokenguard.demo;

/** An access token, its refresh token and when the access token expires, as the demo server issued them. */
public final class Grant {
    private final String accessToken;
    private final String refreshToken;
    private final long expiresAtMillis;
    private final long lifetimeMillis;

    Grant(String accessToken, String refreshToken, long expiresAtMillis, long lifetimeMillis) {
        this.accessToken = accessToken;
        this.refreshToken = refreshToken;
        this.expiresAtMillis = expiresAtMillis;
        this.lifetimeMillis = lifetimeMillis;
    }

    public String accessToken() {
        return accessToken;
    }

    public String refreshToken() {
        return refreshToken;
    }

    /** Epoch milliseconds at which the access token stops being accepted. */
    public long expiresAtMillis() {
        return expiresAtMillis;
    }

    /** Epoch seconds (rounded down), for credential files that keep seconds. */
    public long expiresAtSeconds() {
        return expiresAtMillis / 1000;
    }

    public long lifetimeMillis() {
        return lifetimeMillis;
    }

    @Override
    public String toString() {
        return "Grant[expiresAtMillis=" + expiresAtMillis + "]"; // never the secrets
    }
}
