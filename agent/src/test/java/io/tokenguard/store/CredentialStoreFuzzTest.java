package io.tokenguard.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenguard.token.Token;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The credentials reader under generated and mutated files, seeded and reproducible: run again with
 * {@code -Dtokenguard.fuzz.seed=N} (every failure message starts with the seed and the case number).
 * Whatever the file holds, a read gives a usable token or a {@link CredentialsException}, never anything
 * else; it ends in bounded time; and it writes nothing (same bytes, same modification time, no stray file).
 */
class CredentialStoreFuzzTest {
    private static final long SEED = Long.getLong("tokenguard.fuzz.seed", 20261122L);
    private static final int CASES = 5000;
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T08:00:00Z"), ZoneOffset.UTC);
    private static final ObjectMapper JACKSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final String[] SEEDS = {
        "{\"access_token\":\"at-1\",\"refresh_token\":\"rt-1\",\"expires_at\":1763800000}",
        "{\"claudeAiOauth\":{\"accessToken\":\"at-2\",\"refreshToken\":\"rt-2\",\"expiresAt\":1763800000123,"
                + "\"scopes\":[\"user:inference\"]},\"mcpOAuth\":{\"a\":{\"list\":[1,2,{\"x\":null}]}}}",
        "{\n  \"access_token\": \"at-3\",\n  \"expires_at\": \"2026-11-22T09:00:00Z\",\n  \"refresh_token\": null\n}\n",
    };
    /** Pieces that break a reader: other types, escapes, deep nesting, odd numbers, bytes that are not UTF-8. */
    private static final String[] SPLICES = {
        "{", "}", "[", "]", "\"", ":", ",", "\\", "\\u", "\\ud800", "\\uDC00\\uD800", "null", "true", "1e999999",
        "-0.0e-0", "12345678901234567890123456789", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
        "{\"access_token\":{\"nested\":\"x\"}}", "\"access_token\":42,", "\"expires_at\":\"soon\",", "\u0000", "\r\n",
        "\t", "\uFEFF", "\u2028", "é", "\uD83D\uDE00", "/*c*/", "//", "NaN", "Infinity", "'x'", "\"\\\"\"",
    };
    private static final byte[][] BAD_BYTES = {{(byte) 0xff}, {(byte) 0xc3}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
        {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {0}, {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}};

    @TempDir
    Path dir;

    @Test
    void mutatedFilesGiveATokenOrACredentialsExceptionAndAreNeverWritten() {
        assertTimeoutPreemptively(Duration.ofSeconds(120), this::fuzzStore,
                () -> "seed " + SEED + ": the reader hangs on one of the cases (rerun with -Dtokenguard.fuzz.seed=" + SEED + ")");
    }

    private void fuzzStore() throws IOException {
        Random random = new Random(SEED);
        Path file = dir.resolve("credentials.json");
        int tokens = 0;
        int rejected = 0;
        for (int i = 0; i < CASES; i++) {
            byte[] content = i < SEEDS.length ? SEEDS[i].getBytes(StandardCharsets.UTF_8)
                    : mutate(SEEDS[random.nextInt(SEEDS.length)].getBytes(StandardCharsets.UTF_8), random);
            Files.write(file, content);
            FileTime modified = FileTime.fromMillis(1_700_000_000_000L + i * 1000L);
            Files.setLastModifiedTime(file, modified);
            CredentialStore store = random.nextBoolean()
                    ? new CredentialStore(file, "/access_token", "/refresh_token", "/expires_at", ExpiryFormat.EPOCH_SECONDS, CLOCK)
                    : new CredentialStore(file, "/claudeAiOauth/accessToken", "/claudeAiOauth/refreshToken",
                            "/claudeAiOauth/expiresAt", ExpiryFormat.EPOCH_MILLIS, CLOCK);
            String where = "seed " + SEED + ", case " + i + " (rerun with -Dtokenguard.fuzz.seed=" + SEED + "): "
                    + new String(content, StandardCharsets.ISO_8859_1);
            try {
                Token token = store.read().token();
                assertUsable(token, where);
                tokens++;
            } catch (CredentialsException expected) {
                assertTrue(expected.getMessage().startsWith("credentials file " + file + ": "), where);
                rejected++;
            } catch (Throwable unexpected) {
                fail(where + "\nescaped: " + unexpected, unexpected);
            }
            assertArrayEquals(content, Files.readAllBytes(file), where);
            assertEquals(modified, Files.getLastModifiedTime(file), where);
            assertEquals(List.of("credentials.json"), names(dir), where);
        }
        assertTrue(tokens > 100 && rejected > 2000, "seed " + SEED + ": the cases cover both outcomes: " + tokens
                + " tokens, " + rejected + " rejected");
    }

    private static void assertUsable(Token token, String where) {
        String access = token.accessToken();
        assertFalse(access == null || access.trim().isEmpty(), where);
        assertTrue(access.chars().noneMatch(c -> c < 0x20 || c == 0x7f), "no header injection: " + where);
        assertTrue(token.refreshToken() == null || !token.refreshToken().isEmpty(), where);
    }

    /**
     * Generated pointers (escapes, indexes, empty and odd names) over valid documents: the one-pass reader
     * finds exactly what Jackson's tree finds at each.
     */
    @Test
    void generatedPointersFindWhatJacksonFinds() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Random random = new Random(SEED);
            String[] names = {"a", "b", "", "~", "/", "a/b", "~1", "0", "1", "01", "-", " ", "é", "\"", "access_token"};
            int found = 0;
            for (int i = 0; i < CASES; i++) {
                String document = document(random, names, 0);
                if (!document.startsWith("{")) {
                    continue;
                }
                List<JsonPointer> pointers = new ArrayList<>();
                for (int p = 0; p < 4; p++) {
                    StringBuilder pointer = new StringBuilder();
                    for (int depth = 1 + random.nextInt(3); depth > 0; depth--) {
                        String name = names[random.nextInt(names.length)];
                        pointer.append('/').append(name.replace("~", "~0").replace("/", "~1"));
                    }
                    pointers.add(JsonPointer.compile(pointer.toString()));
                }
                String where = "seed " + SEED + ", case " + i + ": " + document + " at " + pointers;
                JsonNode tree = JACKSON.readTree(document);
                Map<JsonPointer, PointerScanner.Scalar> scanned =
                        PointerScanner.scan(document.getBytes(StandardCharsets.UTF_8), pointers);
                for (JsonPointer pointer : pointers) {
                    JsonNode expected = tree.at(pointer);
                    PointerScanner.Scalar actual = scanned.get(pointer);
                    assertEquals(kind(expected), actual.kind, where + " (" + pointer + ")");
                    if (expected.isTextual()) {
                        assertEquals(expected.textValue(), actual.text, where);
                        found++;
                    }
                }
            }
            assertTrue(found > 100, "seed " + SEED + ": some pointers find strings: " + found);
        });
    }

    private static PointerScanner.Scalar.Kind kind(JsonNode node) {
        if (node.isMissingNode()) {
            return PointerScanner.Scalar.Kind.MISSING;
        }
        if (node.isNull()) {
            return PointerScanner.Scalar.Kind.NULL;
        }
        if (node.isTextual()) {
            return PointerScanner.Scalar.Kind.STRING;
        }
        return node.isNumber() ? PointerScanner.Scalar.Kind.NUMBER : PointerScanner.Scalar.Kind.OTHER;
    }

    /** A random JSON value whose object names come from {@code names}, at most 4 deep. */
    private static String document(Random random, String[] names, int depth) {
        int kind = depth == 0 ? 0 : random.nextInt(depth >= 4 ? 3 : 5);
        switch (kind) {
            case 0: {
                StringBuilder sb = new StringBuilder("{");
                for (int n = random.nextInt(4); n > 0; n--) {
                    sb.append(quote(names[random.nextInt(names.length)])).append(':')
                            .append(document(random, names, depth + 1)).append(n > 1 ? "," : "");
                }
                return sb.append('}').toString();
            }
            case 1:
                return quote("v" + random.nextInt(100) + (random.nextBoolean() ? "\\n\\u00e9" : ""));
            case 2:
                return random.nextBoolean() ? String.valueOf(random.nextInt(2000) - 1000) : (random.nextBoolean() ? "null" : "true");
            case 3: {
                StringBuilder sb = new StringBuilder("[");
                for (int n = random.nextInt(3); n > 0; n--) {
                    sb.append(document(random, names, depth + 1)).append(n > 1 ? "," : "");
                }
                return sb.append(']').toString();
            }
            default:
                return document(random, names, depth + 1).startsWith("{") ? document(random, names, depth + 1) : "{}";
        }
    }

    private static String quote(String name) {
        return "\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Byte-level damage and spliced fragments: 1 to 4 edits. */
    private static byte[] mutate(byte[] seed, Random random) {
        List<Byte> out = new ArrayList<>();
        for (byte b : seed) {
            out.add(b);
        }
        for (int n = 1 + random.nextInt(4); n > 0; n--) {
            int at = out.isEmpty() ? 0 : random.nextInt(out.size());
            switch (random.nextInt(6)) {
                case 0:
                    if (!out.isEmpty()) {
                        out.remove(at);
                    }
                    break;
                case 1:
                    insert(out, at, SPLICES[random.nextInt(SPLICES.length)].getBytes(StandardCharsets.UTF_8));
                    break;
                case 2:
                    insert(out, at, BAD_BYTES[random.nextInt(BAD_BYTES.length)]);
                    break;
                case 3:
                    if (!out.isEmpty()) {
                        out.set(at, (byte) random.nextInt(256));
                    }
                    break;
                case 4:
                    out.subList(at, out.size()).clear(); // truncated, as by a writer that died
                    break;
                default:
                    int end = Math.min(out.size(), at + random.nextInt(20));
                    insert(out, at, toArray(out.subList(at, end))); // a chunk written twice
            }
        }
        return toArray(out);
    }

    private static void insert(List<Byte> out, int at, byte[] bytes) {
        for (int k = bytes.length - 1; k >= 0; k--) {
            out.add(at, bytes[k]);
        }
    }

    private static byte[] toArray(List<Byte> bytes) {
        byte[] array = new byte[bytes.size()];
        for (int k = 0; k < array.length; k++) {
            array[k] = bytes.get(k);
        }
        return array;
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    /**
     * A login tool that replaces the file (rename over it) again and again while it is read: every read
     * gives one whole version, access and refresh token from the same one, never an error.
     */
    @Test
    void aFileReplacedWhileBeingReadGivesOneWholeVersion() throws Exception {
        Path file = dir.resolve("credentials.json");
        byte[][] versions = new byte[2][];
        for (int v = 0; v < 2; v++) {
            versions[v] = ("{\"access_token\":\"at-" + v + "\",\"pad\":\"" + "x".repeat(4000 * (v + 1))
                    + "\",\"refresh_token\":\"rt-" + v + "\"}").getBytes(StandardCharsets.UTF_8);
        }
        Files.write(file, versions[0]);
        CredentialStore store = new CredentialStore(file, "/access_token", "/refresh_token", "/expires_at",
                ExpiryFormat.EPOCH_SECONDS, CLOCK);
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            for (int n = 0; !stop.get(); n++) {
                try {
                    Path temp = dir.resolve("login-" + n + ".tmp");
                    Files.write(temp, versions[n % 2]);
                    Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        }, "login-tool");
        writer.start();
        try {
            for (int i = 0; i < 3000; i++) {
                Token token = store.read().token();
                String version = token.accessToken().substring(3);
                assertEquals("rt-" + version, token.refreshToken(), "read " + i + " mixed two versions");
            }
        } finally {
            stop.set(true);
            writer.join();
        }
    }
}
