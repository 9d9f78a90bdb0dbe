package io.tokenguard.oauth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Thousands of generated and mutated token-endpoint answers through the one function that reads them.
 * Whatever a server, proxy or broken network hands back, the refresh ends with a usable token or a
 * {@link TokenEndpointException} whose message holds no secret; it never throws anything else, never
 * hangs, and never accepts a token that could not go into an HTTP header. The seed is fixed (override
 * with {@code -Dtokenguard.fuzz.seed=N}) and printed with any failure, so a failing case reproduces.
 */
class TokenResponseFuzzTest {
    static final String REFRESH = "rt-FUZZ/secret+value=1";
    static final String CLIENT_SECRET = "cs-FUZZ-secret";
    private static final int CASES = 20_000;
    private static final Pattern HEADER_SAFE = Pattern.compile("[\\x21-\\x7E]+");

    private final TokenEndpointClient client = new TokenEndpointClient(URI.create("http://127.0.0.1:9/token"),
            "fuzz-client", CLIENT_SECRET, ClientAuth.POST, RequestFormat.FORM, null, Duration.ofSeconds(1));

    @Test
    void noAnswerMakesTheParserThrowAnythingButItsOwnFailure() {
        long seed = Long.getLong("tokenguard.fuzz.seed", 20261122L);
        Random random = new Random(seed);
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            for (int i = 0; i < CASES; i++) {
                Case c = Case.generate(random);
                check(c, "seed " + seed + ", case " + i + ": " + c);
            }
        }, "20,000 answers must be read in well under two minutes; seed " + seed);
    }

    /** The assertions for one answer; {@code where} names the seed and case for reproduction. */
    void check(Case c, String where) {
        TokenResponse response;
        try {
            response = client.interpret(c.status, c.contentType, c.retryAfter, c.body, REFRESH, 1_700_000_000_000L);
        } catch (TokenEndpointException e) {
            assertSafe(e.getMessage(), where);
            assertSafe(e.error(), where);
            assertTrue(e.error() != null && !e.error().isEmpty(), "an error code, " + where);
            assertFalse(e.retryAfterMillis() != null && e.retryAfterMillis() < 0, "no negative Retry-After, " + where);
            assertFalse(e.terminal() && c.status / 100 == 2, "a 2xx is never a dead grant, " + where);
            assertFalse(e.terminal() && c.status >= 500, "a server error is never a dead grant, " + where);
            return;
        } catch (Throwable other) {
            fail("escaped the parser: " + other + ", " + where, other);
            return;
        }
        assertTrue(c.status / 100 == 2, "a token only from a 2xx, " + where);
        assertTrue(HEADER_SAFE.matcher(response.accessToken()).matches(),
                "the access token must be safe in an HTTP header, " + where);
        assertFalse(response.expiresInMillis() != null && response.expiresInMillis() <= 0,
                "an expiry is positive or unknown, " + where);
    }

    static void assertSafe(String text, String where) {
        if (text == null) {
            return;
        }
        for (String secret : new String[] {REFRESH, CLIENT_SECRET, URLEncoder.encode(REFRESH, StandardCharsets.UTF_8)}) {
            assertFalse(text.contains(secret), "a secret in the message, " + where);
        }
        assertFalse(text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0, "a line break in the message, " + where);
    }

    /** One answer: status, two headers and the body (null: none). */
    static final class Case {
        private static final int[] STATUSES = {200, 200, 200, 201, 204, 400, 400, 401, 403, 404, 429, 500, 502, 503};
        private static final String[] CONTENT_TYPES = {"application/json", "application/json;charset=UTF-8",
            "text/html", "text/plain", null, "", "application/json\u0000\r\nX: y", "\u00ff\u2028"};
        private static final String[] RETRY_AFTERS = {null, "1", "0", "-1", "120", "999999999", "99999999999",
            "Wed, 21 Oct 2015 07:28:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT", "soon", "", " 5 ", "1e3", "\u0000"};
        private static final String[] SEEDS = {
            "{\"access_token\":\"at-1\",\"refresh_token\":\"rt-2\",\"expires_in\":3600,\"token_type\":\"Bearer\"}",
            "{\"access_token\":\"at-1\",\"expires_in\":\"28800\",\"scope\":\"a b\"}",
            "{\"access_token\":\"at-1\"}",
            "{\"error\":\"invalid_grant\",\"error_description\":\"refresh token " + REFRESH + " is dead\"}",
            "{\"error\":\"invalid_client\",\"error_description\":\"client_secret=" + CLIENT_SECRET + "\"}",
            "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"slow down\"}}",
            "{\"error\":\"temporarily_unavailable\"}",
            "<html><body><h1>502 Bad Gateway</h1></body></html>",
            "grant_type=refresh_token&refresh_token=" + URLEncoder.encode(REFRESH, StandardCharsets.UTF_8),
        };
        private static final String[] INSERTS = {"[", "{", "\"", "\\", "\\u", "\\ud800", "\u2028", "\u0085", "\r\n",
            "\u0000", "\ufeff", "1e400", "-1e400", "NaN", "Infinity", "null", "true", ",", ":", "}", "]",
            "\"access_token\":\"x\\r\\nInjected: 1\"", "\"access_token\":\"caf\u00e9\"", "\"access_token\":\"a b\"",
            "\"access_token\":42", "\"access_token\":[\"a\"]", "\"access_token\":{}", "\"access_token\":null",
            "\"expires_in\":0", "\"expires_in\":-5", "\"expires_in\":1e400", "\"expires_in\":\"abc\"",
            "\"expires_in\":99999999999999999999999999", "\"expires_in\":0.0001", "\"expires_in\":NaN",
            "\"error\":\"" + REFRESH + "\"", "\"error\":\"a\\nb\"", "\"error\":7", "\"error_description\":\""
            + REFRESH + "\"", REFRESH, CLIENT_SECRET};

        final int status;
        final String contentType;
        final String retryAfter;
        final byte[] body;
        private final String story;

        private Case(int status, String contentType, String retryAfter, byte[] body, String story) {
            this.status = status;
            this.contentType = contentType;
            this.retryAfter = retryAfter;
            this.body = body;
            this.story = story;
        }

        static Case generate(Random random) {
            int status = STATUSES[random.nextInt(STATUSES.length)];
            String contentType = CONTENT_TYPES[random.nextInt(CONTENT_TYPES.length)];
            String retryAfter = RETRY_AFTERS[random.nextInt(RETRY_AFTERS.length)];
            if (random.nextInt(40) == 0) {
                return new Case(status, contentType, retryAfter, null, "no body");
            }
            if (random.nextInt(3) == 0) {
                String generated = generatedObject(random);
                return new Case(status, contentType, retryAfter, generated.getBytes(StandardCharsets.UTF_8),
                        "generated " + generated);
            }
            byte[] body = SEEDS[random.nextInt(SEEDS.length)].getBytes(StandardCharsets.UTF_8);
            StringBuilder story = new StringBuilder("seed body " + new String(body, StandardCharsets.UTF_8));
            int mutations = random.nextInt(4);
            for (int m = 0; m < mutations; m++) {
                body = mutate(random, body, story);
            }
            return new Case(status, contentType, retryAfter, body, story.toString());
        }

        /** A well-formed object whose fields take odd values: wrong types, absurd numbers, odd characters. */
        private static String generatedObject(Random random) {
            StringBuilder object = new StringBuilder("{");
            String[] names = {"access_token", "refresh_token", "expires_in", "scope", "token_type", "error",
                "error_description"};
            for (String name : names) {
                if (random.nextInt(3) > 0 || (name.equals("access_token") && random.nextBoolean())) {
                    object.append(object.length() > 1 ? "," : "").append('"').append(name).append("\":")
                            .append(VALUES[random.nextInt(VALUES.length)]);
                }
            }
            return object.append('}').toString();
        }

        private static final String[] VALUES = {"\"at-ok\"", "\"eyJhbGciOi.J9.sig_-~+/==\"", "\"\"", "\" \"",
            "\"a b\"", "\"x\\r\\nInjected: 1\"", "\"tab\\there\"", "\"caf\u00e9\"", "\"\\u2028\"",
            "\"\\u0085\"", "\"\\ud800\"", "\"\\u0000\"", "0", "-5", "1", "3600", "3600.5", "1e400", "-1e400",
            "1e-400", "99999999999999999999999999", "2147483648", "\"abc\"", "\"3600\"", "\"-1\"", "null", "true",
            "[]", "{}", "[\"a\"]", "{\"type\":\"x\",\"message\":\"" + REFRESH + "\"}", "\"invalid_grant\"",
            "\"" + REFRESH + "\"", "\"" + CLIENT_SECRET + "\"", "\"" + "x".repeat(5000) + "\""};

        private static byte[] mutate(Random random, byte[] body, StringBuilder story) {
            int at = body.length == 0 ? 0 : random.nextInt(body.length + 1);
            switch (random.nextInt(7)) {
                case 0: { // flip bits of a few bytes
                    byte[] copy = body.clone();
                    for (int k = 0; k < 1 + random.nextInt(3) && copy.length > 0; k++) {
                        copy[random.nextInt(copy.length)] ^= (byte) (1 << random.nextInt(8));
                    }
                    story.append(" | bit flips");
                    return copy;
                }
                case 1: // truncate
                    story.append(" | cut at ").append(at);
                    return java.util.Arrays.copyOf(body, at);
                case 2: { // deep nesting
                    int depth = 1 + random.nextInt(5000);
                    story.append(" | nesting ").append(depth).append(" at ").append(at);
                    String open = random.nextBoolean() ? "[" : "{\"a\":";
                    return insert(body, at, open.repeat(depth).getBytes(StandardCharsets.UTF_8));
                }
                case 3: { // a huge number
                    String number = (random.nextBoolean() ? "-" : "") + "9".repeat(1 + random.nextInt(3000))
                            + (random.nextBoolean() ? "e" + random.nextInt(100_000) : "");
                    story.append(" | number of ").append(number.length()).append(" chars at ").append(at);
                    return insert(body, at, number.getBytes(StandardCharsets.UTF_8));
                }
                case 4: { // invalid UTF-8 or an overlong encoding
                    byte[][] raw = {{(byte) 0xff}, {(byte) 0xc0, (byte) 0x80}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
                        {(byte) 0xe2, (byte) 0x80}};
                    story.append(" | raw bytes at ").append(at);
                    return insert(body, at, raw[random.nextInt(raw.length)]);
                }
                case 5: { // a chosen field first or last (the last of duplicate keys wins), or alone
                    String insert = INSERTS[random.nextInt(INSERTS.length)];
                    String text = new String(body, StandardCharsets.UTF_8);
                    int where = random.nextInt(3);
                    if (where == 0) {
                        text = "{" + insert + "," + text.replaceFirst("^\\{", "");
                    } else if (where == 1) {
                        text = text.replaceFirst("\\}$", "") + "," + insert + "}";
                    } else {
                        text = "{" + insert + "}";
                    }
                    story.append(" | object with ").append(insert);
                    return text.getBytes(StandardCharsets.UTF_8);
                }
                default: {
                    String insert = INSERTS[random.nextInt(INSERTS.length)];
                    story.append(" | insert ").append(insert).append(" at ").append(at);
                    return insert(body, at, insert.getBytes(StandardCharsets.UTF_8));
                }
            }
        }

        private static byte[] insert(byte[] body, int at, byte[] what) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + what.length);
            out.write(body, 0, at);
            out.write(what, 0, what.length);
            out.write(body, at, body.length - at);
            return out.toByteArray();
        }

        @Override
        public String toString() {
            String shown = story.length() > 300 ? story.substring(0, 300) + "..." : story;
            return "status " + status + ", content type " + contentType + ", Retry-After " + retryAfter + ", "
                    + shown.replace(REFRESH, "<refresh token>").replace(CLIENT_SECRET, "<client secret>");
        }
    }
}
