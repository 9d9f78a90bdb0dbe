package io.tokenguard.demo;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The demo server's token state: token families (one per {@link #newFamily}), their access and refresh
 * tokens, rotation and RFC 9700 reuse detection. Every method is synchronized: the state is small and
 * the lock is held only for map look-ups.
 */
final class TokenLedger {
    private static final char[] URL_SAFE =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray();

    /** What the API answers about a bearer token. */
    enum AccessState { LIVE, EXPIRED, REVOKED, UNKNOWN }

    /** What the token endpoint answers about a refresh token. */
    enum RefreshState { OK, UNKNOWN, REVOKED, REUSED }

    static final class RefreshResult {
        final RefreshState state;
        final Grant grant;
        final boolean rotated;

        RefreshResult(RefreshState state, Grant grant, boolean rotated) {
            this.state = state;
            this.grant = grant;
            this.rotated = rotated;
        }
    }

    private static final class Family {
        boolean revoked;
        final List<Access> access = new ArrayList<>();
        final List<Refresh> refresh = new ArrayList<>();
    }

    private static final class Access {
        final Family family;
        final long expiresAt;
        boolean revoked;

        Access(Family family, long expiresAt) {
            this.family = family;
            this.expiresAt = expiresAt;
        }
    }

    private static final class Refresh {
        final Family family;
        boolean rotated;
        boolean revoked;

        Refresh(Family family) {
            this.family = family;
        }
    }

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Access> accessTokens = new HashMap<>();
    private final Map<String, Refresh> refreshTokens = new HashMap<>();
    /** The refresh token each access token was handed out with. */
    private final Map<String, String> issuedWith = new HashMap<>();
    private final Set<String> issued = new LinkedHashSet<>();
    private String newestAccessToken;
    private String newestRefreshToken;

    synchronized Grant newFamily(long lifetimeMillis, long now) {
        Family family = new Family();
        String refreshToken = newRefreshToken(family);
        return newAccessGrant(family, refreshToken, lifetimeMillis, now);
    }

    /**
     * The refresh_token grant.
     *
     * @param rotate issue a new refresh token and kill the presented one
     * @param reuseDetection a rotated (already used) refresh token revokes its whole family
     * @param omitRefreshToken answer without a refresh token (the presented one stays valid)
     */
    synchronized RefreshResult refresh(String refreshToken, long lifetimeMillis, long now, boolean rotate,
            boolean reuseDetection, boolean omitRefreshToken) {
        Refresh presented = refreshToken == null ? null : refreshTokens.get(refreshToken);
        if (presented == null) {
            return new RefreshResult(RefreshState.UNKNOWN, null, false);
        }
        if (presented.rotated) {
            if (reuseDetection) {
                revokeFamily(presented.family);
                return new RefreshResult(RefreshState.REUSED, null, false);
            }
            return new RefreshResult(RefreshState.REVOKED, null, false);
        }
        if (presented.revoked || presented.family.revoked) {
            return new RefreshResult(RefreshState.REVOKED, null, false);
        }
        boolean rotated = rotate && !omitRefreshToken;
        String next = refreshToken;
        if (rotated) {
            presented.rotated = true;
            next = newRefreshToken(presented.family);
        }
        Grant grant = newAccessGrant(presented.family, next, lifetimeMillis, now);
        return new RefreshResult(RefreshState.OK, grant, rotated);
    }

    synchronized AccessState check(String accessToken, long now) {
        Access access = accessToken == null ? null : accessTokens.get(accessToken);
        if (access == null) {
            return AccessState.UNKNOWN;
        }
        if (access.revoked || access.family.revoked) {
            return AccessState.REVOKED;
        }
        return now < access.expiresAt ? AccessState.LIVE : AccessState.EXPIRED;
    }

    /** @return how many access tokens were still live and are now revoked */
    synchronized int revokeAllAccessTokens(long now) {
        int count = 0;
        for (Access access : accessTokens.values()) {
            if (!access.revoked && !access.family.revoked && now < access.expiresAt) {
                count++;
            }
            access.revoked = true;
        }
        return count;
    }

    /** Revokes the family of the given access or refresh token (as a server-side logout would). */
    synchronized boolean revokeFamilyOf(String token) {
        Access access = accessTokens.get(token);
        Refresh refresh = refreshTokens.get(token);
        Family family = access != null ? access.family : refresh != null ? refresh.family : null;
        if (family == null) {
            return false;
        }
        revokeFamily(family);
        return true;
    }

    synchronized boolean isLiveRefreshToken(String refreshToken) {
        Refresh refresh = refreshTokens.get(refreshToken);
        return refresh != null && !refresh.rotated && !refresh.revoked && !refresh.family.revoked;
    }

    synchronized Set<String> issuedSecrets() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(issued));
    }

    synchronized boolean issuedAsPair(String accessToken, String refreshToken) {
        return refreshToken != null && refreshToken.equals(issuedWith.get(accessToken));
    }

    synchronized String newestAccessToken() {
        return newestAccessToken;
    }

    synchronized String newestRefreshToken() {
        return newestRefreshToken;
    }

    private void revokeFamily(Family family) {
        family.revoked = true;
        for (Access access : family.access) {
            access.revoked = true;
        }
        for (Refresh refresh : family.refresh) {
            refresh.revoked = true;
        }
    }

    private Grant newAccessGrant(Family family, String refreshToken, long lifetimeMillis, long now) {
        String accessToken = unique("at-", accessTokens);
        Access access = new Access(family, now + lifetimeMillis);
        family.access.add(access);
        accessTokens.put(accessToken, access);
        issuedWith.put(accessToken, refreshToken);
        issued.add(accessToken);
        newestAccessToken = accessToken;
        return new Grant(accessToken, refreshToken, access.expiresAt, lifetimeMillis);
    }

    private String newRefreshToken(Family family) {
        String refreshToken = unique("rt-", refreshTokens);
        Refresh refresh = new Refresh(family);
        family.refresh.add(refresh);
        refreshTokens.put(refreshToken, refresh);
        issued.add(refreshToken);
        newestRefreshToken = refreshToken;
        return refreshToken;
    }

    private String unique(String prefix, Map<String, ?> taken) {
        while (true) {
            StringBuilder sb = new StringBuilder(prefix.length() + 32).append(prefix);
            for (int i = 0; i < 32; i++) {
                sb.append(URL_SAFE[random.nextInt(URL_SAFE.length)]);
            }
            String token = sb.toString();
            if (!taken.containsKey(token)) {
                return token;
            }
        }
    }
}
