package io.tokenguard.it.programs;

import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;

/**
 * What the child "user programs" share. They are ordinary JDK HttpClient programs that know nothing about
 * tokenguard: they send {@code Authorization: Bearer placeholder} and expect the API to answer 200.
 */
public final class Programs {
    static final String PLACEHOLDER = "Bearer placeholder";

    private Programs() {}

    static HttpClient client() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    public static String sha256Hex(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            StringBuilder sb = new StringBuilder(64);
            for (byte b : digest) {
                sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256Hex(String text) {
        return sha256Hex(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The value of a top-level string or number field in a flat JSON answer, or null. */
    public static String jsonField(String json, String name) {
        int at = json == null ? -1 : json.indexOf("\"" + name + "\":");
        if (at < 0) {
            return null;
        }
        int start = at + name.length() + 3;
        if (json.charAt(start) == '"') {
            int end = json.indexOf('"', start + 1);
            return json.substring(start + 1, end);
        }
        int end = start;
        while (end < json.length() && "-0123456789.".indexOf(json.charAt(end)) >= 0) {
            end++;
        }
        return json.substring(start, end);
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
