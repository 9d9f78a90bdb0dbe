package io.tokenguard.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenguard.store.CredentialStore.WriteResult;
import io.tokenguard.token.Token;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialStoreTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2025-11-13T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final String ACCESS = "sk-ant-oat01-ACCESS-SECRET-aaaa";
    private static final String REFRESH = "sk-ant-ort01-REFRESH-SECRET-bbbb";
    private static final String CLAUDE = "{\"claudeAiOauth\":{\"accessToken\":\"" + ACCESS + "\",\"refreshToken\":\""
            + REFRESH + "\",\"expiresAt\":1763000000000,\"scopes\":[\"user:inference\",\"user:profile\"],"
            + "\"subscriptionType\":\"max\"},\"otherTop\":{\"x\":1}}";

    @TempDir
    Path dir;

    private CredentialStore generic(Path file, ExpiryFormat whenAbsent) {
        return new CredentialStore(file, "/access_token", "/refresh_token", "/expires_at", whenAbsent, CLOCK);
    }

    private CredentialStore claude(Path file) {
        return new CredentialStore(file, "/claudeAiOauth/accessToken", "/claudeAiOauth/refreshToken",
                "/claudeAiOauth/expiresAt", ExpiryFormat.EPOCH_MILLIS, CLOCK);
    }

    private Path file(String content) throws IOException {
        Path file = dir.resolve("credentials.json");
        Files.write(file, content.getBytes(StandardCharsets.UTF_8));
        return file;
    }

    private static Token token(String access, String refresh, Instant expiresAt) {
        return new Token(access, refresh, expiresAt, NOW);
    }

    private static String text(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    }

    private List<String> tempFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).collect(Collectors.toList());
        }
    }

    @Test
    void readsGenericLayout() throws Exception {
        Path file = file("{\"access_token\":\"" + ACCESS + "\",\"refresh_token\":\"" + REFRESH
                + "\",\"expires_at\":1763000000}");
        StoredCredentials stored = generic(file, ExpiryFormat.EPOCH_SECONDS).read();
        assertEquals(ACCESS, stored.token().accessToken());
        assertEquals(REFRESH, stored.token().refreshToken());
        assertEquals(Instant.ofEpochSecond(1763000000L), stored.token().expiresAt());
        assertEquals(NOW, stored.token().obtainedAt());
        assertEquals(FileStamp.of(file), stored.stamp());
        assertTrue(stored.stamp().exists());
    }

    @Test
    void optionalFieldsMayBeMissingNullOrEmpty() throws Exception {
        Path file = file("{\"access_token\":\"" + ACCESS + "\",\"refresh_token\":\"\",\"expires_at\":null}");
        Token token = generic(file, ExpiryFormat.EPOCH_SECONDS).read().token();
        assertNull(token.refreshToken());
        assertNull(token.expiresAt());
        file("{\"access_token\":\"" + ACCESS + "\"}");
        assertNull(generic(file, ExpiryFormat.EPOCH_SECONDS).read().token().refreshToken());
    }

    @Test
    void claudeCodeRoundTripKeepsEveryOtherField() throws Exception {
        Path file = file(CLAUDE);
        CredentialStore store = claude(file);
        Token basis = store.read().token();
        assertEquals(Instant.ofEpochMilli(1763000000000L), basis.expiresAt());

        Instant expiry = Instant.ofEpochMilli(1763028800123L);
        assertEquals(WriteResult.WRITTEN, store.write(token("new-access", "new-refresh", expiry), basis));

        JsonNode expected = JSON.readTree(CLAUDE);
        ((com.fasterxml.jackson.databind.node.ObjectNode) expected.get("claudeAiOauth"))
                .put("accessToken", "new-access").put("refreshToken", "new-refresh").put("expiresAt", 1763028800123L);
        assertEquals(expected, JSON.readTree(file.toFile()));
        assertTrue(JSON.readTree(file.toFile()).at("/claudeAiOauth/expiresAt").isIntegralNumber());
        assertFalse(text(file).contains("\n"), "compact file stays compact");
        assertTrue(text(file).startsWith("{\"claudeAiOauth\":{\"accessToken\":\"new-access\",\"refreshToken\""),
                "field order kept");
        assertEquals(List.of(), tempFiles());
        assertEquals(expiry, store.read().token().expiresAt());
    }

    @Test
    void prettyFileStaysPrettyWithItsTrailingNewline() throws Exception {
        Path file = file("{\n  \"access_token\": \"" + ACCESS + "\",\n  \"scopes\": [],\n  \"extra\": {},\n"
                + "  \"n\": 1.50\n}\n");
        CredentialStore store = generic(file, ExpiryFormat.EPOCH_SECONDS);
        store.write(token("new-access", null, null), store.read().token());
        assertEquals("{\n  \"access_token\": \"new-access\",\n  \"scopes\": [],\n  \"extra\": {},\n"
                + "  \"n\": 1.50\n}\n", text(file));
    }

    @Test
    void prettyWithoutTrailingNewline() throws Exception {
        Path file = file("{\n  \"access_token\": \"" + ACCESS + "\",\n  \"a\": [1, 2]\n}");
        CredentialStore store = generic(file, ExpiryFormat.EPOCH_SECONDS);
        store.write(token("new-access", null, null), store.read().token());
        assertEquals("{\n  \"access_token\": \"new-access\",\n  \"a\": [\n    1,\n    2\n  ]\n}", text(file));
    }

    @Test
    void expiryFormatsAreDetectedAndWrittenBackInKind() throws Exception {
        Instant expiry = Instant.parse("2025-11-13T18:00:00.250Z");
        Object[][] cases = {
            {"1763000000", Instant.ofEpochSecond(1763000000L), "1763056800"},
            {"1763000000000", Instant.ofEpochMilli(1763000000000L), "1763056800250"},
            {"1763000000.5", Instant.ofEpochMilli(1763000000500L), "1763056800"},
            {"\"1763000000000\"", Instant.ofEpochMilli(1763000000000L), "\"1763056800250\""},
            {"\"1763000000\"", Instant.ofEpochSecond(1763000000L), "\"1763056800\""},
            {"\"2025-11-13T02:13:20Z\"", Instant.ofEpochSecond(1763000000L), "\"2025-11-13T18:00:00.250Z\""},
            {"\"2025-11-13T04:13:20+02:00\"", Instant.ofEpochSecond(1763000000L), "\"2025-11-13T18:00:00.250Z\""},
        };
        for (Object[] c : cases) {
            Path file = file("{\"access_token\":\"" + ACCESS + "\",\"expires_at\":" + c[0] + "}");
            CredentialStore store = generic(file, ExpiryFormat.ISO_8601);
            Token basis = store.read().token();
            assertEquals(c[1], basis.expiresAt(), String.valueOf(c[0]));
            store.write(token("new-access", null, expiry), basis);
            assertEquals("{\"access_token\":\"new-access\",\"expires_at\":" + c[2] + "}", text(file), String.valueOf(c[0]));
        }
    }

    @Test
    void absentExpiryUsesConfiguredFormatAndBlankedFieldsAreRepaired() throws Exception {
        Instant expiry = Instant.ofEpochSecond(1763056800L);
        Path file = file("{\"access_token\":\"" + ACCESS + "\"}");
        CredentialStore store = generic(file, ExpiryFormat.EPOCH_MILLIS);
        store.write(token("new-access", "r", expiry), store.read().token());
        assertEquals("{\"access_token\":\"new-access\",\"refresh_token\":\"r\",\"expires_at\":1763056800000}", text(file));

        // What a losing client once left behind: blanks. Read as unknown, then overwritten with real values.
        file("{\"access_token\":\"\",\"expires_at\":0}");
        store.write(token("new-access", null, expiry), null);
        assertEquals("{\"access_token\":\"new-access\",\"expires_at\":1763056800000}", text(file));
    }

    @Test
    void refreshTokenKeptWhenFreshHasNone() throws Exception {
        Path file = file(CLAUDE);
        CredentialStore store = claude(file);
        store.write(token("new-access", null, null), store.read().token());
        JsonNode oauth = JSON.readTree(file.toFile()).get("claudeAiOauth");
        assertEquals(REFRESH, oauth.get("refreshToken").textValue());
        assertEquals(1763000000000L, oauth.get("expiresAt").longValue());
    }

    @Test
    void missingIntermediateObjectsAreCreated() throws Exception {
        Path file = file("{\"other\":true}");
        claude(file).write(token("a", "r", Instant.ofEpochMilli(1763000000000L)), null);
        assertEquals("{\"other\":true,\"claudeAiOauth\":{\"accessToken\":\"a\",\"refreshToken\":\"r\","
                + "\"expiresAt\":1763000000000}}", text(file));
    }

    @Test
    void conflictLeavesAThirdTokenAlone() throws Exception {
        Path file = file(CLAUDE);
        CredentialStore store = claude(file);
        Token basis = store.read().token();
        String third = CLAUDE.replace(ACCESS, "written-by-another-process");
        file(third);
        byte[] before = Files.readAllBytes(file);
        assertEquals(WriteResult.CONFLICT, store.write(token("ours", "ours-refresh", null), basis));
        assertArrayEquals(before, Files.readAllBytes(file));
        assertEquals(List.of(), tempFiles());
    }

    @Test
    void newFileIsCreatedOwnerOnly() throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path file = dir.resolve("new.json");
        CredentialStore store = generic(file, ExpiryFormat.EPOCH_SECONDS);
        assertEquals(FileStamp.MISSING, store.stamp());
        assertEquals(WriteResult.WRITTEN, store.write(token("a", "r", null), null));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("{\"access_token\":\"a\",\"refresh_token\":\"r\"}", text(file));
        assertNotEquals(FileStamp.MISSING, store.stamp());
    }

    @Test
    void permissionsAreKept() throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        for (String mode : List.of("rw-r-----", "rw-------")) {
            Path file = file(CLAUDE);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
            CredentialStore store = claude(file);
            store.write(token("new-access-" + mode, null, null), store.read().token());
            assertEquals("new-access-" + mode, store.read().token().accessToken(), "written");
            assertEquals(mode, PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        }
    }

    /** A backup holds the dead login: owner-only whatever the file's own mode, which stays the user's. */
    @Test
    void theBackupOfADiscardedFileIsOwnerOnlyEvenWhenTheFileIsNot() throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path file = file(CLAUDE);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        Path backup = claude(file).discard(REFRESH);
        assertEquals(CLAUDE, text(backup), "the backup is the file as it was");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(backup)));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(JSON.readTree(file.toFile()).at("/claudeAiOauth/refreshToken").isMissingNode(), "the dead fields are gone");
        assertEquals(List.of(), tempFiles());
    }

    @Test
    void symlinkSurvivesAndItsTargetIsUpdated() throws Exception {
        Path real = Files.createDirectory(dir.resolve("real")).resolve("creds.json");
        Files.write(real, CLAUDE.getBytes(StandardCharsets.UTF_8));
        Path link = dir.resolve("link.json");
        try {
            Files.createSymbolicLink(link, Path.of("real", "creds.json"));
        } catch (UnsupportedOperationException | IOException e) {
            assumeTrue(false, "no symbolic links here");
        }
        CredentialStore store = claude(link);
        assertEquals(FileStamp.of(real), store.stamp());
        store.write(token("new-access", null, null), store.read().token());
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("new-access", JSON.readTree(real.toFile()).at("/claudeAiOauth/accessToken").textValue());
        assertEquals(List.of(), tempFiles());
        try (Stream<Path> files = Files.list(real.getParent())) {
            assertEquals(List.of("creds.json"), files.map(p -> p.getFileName().toString()).collect(Collectors.toList()));
        }
    }

    @Test
    void invalidJsonIsReportedWithoutValuesAndNeverOverwritten() throws Exception {
        String broken = "{\n  \"access_token\": \"" + ACCESS + "\",\n  \"refresh_token\": " + REFRESH + "\n}";
        Path file = file(broken);
        CredentialStore store = generic(file, ExpiryFormat.EPOCH_SECONDS);
        CredentialsException read = assertThrows(CredentialsException.class, store::read);
        assertEquals(CredentialsException.Reason.INVALID_JSON, read.reason());
        assertTrue(read.getMessage().contains("is not valid JSON at line 3"), read.getMessage());
        assertNoSecrets(read);

        IOException write = assertThrows(IOException.class, () -> store.write(token("x", "y", null), null));
        assertNoSecrets(write);
        assertEquals(broken, text(file));
        assertEquals(List.of(), tempFiles());
    }

    @Test
    void badValuesNameThePointerNeverTheValue() throws Exception {
        String[][] cases = {
            {"{\"claudeAiOauth\":{\"refreshToken\":\"" + REFRESH + "\"}}", "/claudeAiOauth/accessToken is missing"},
            {"{\"claudeAiOauth\":{\"accessToken\":[\"" + ACCESS + "\"]}}", "/claudeAiOauth/accessToken is not a string"},
            {"{\"claudeAiOauth\":{\"accessToken\":\"\"}}", "/claudeAiOauth/accessToken is empty"},
            {"{\"claudeAiOauth\":{\"accessToken\":\"" + ACCESS + "\\r\\nX: y\"}}", "contains control characters"},
            {"{\"claudeAiOauth\":{\"accessToken\":\"" + ACCESS + "\",\"refreshToken\":{\"v\":\"" + REFRESH + "\"}}}",
                "/claudeAiOauth/refreshToken is not a string"},
            {"{\"claudeAiOauth\":{\"accessToken\":\"" + ACCESS + "\",\"expiresAt\":\"" + REFRESH + "\"}}",
                "/claudeAiOauth/expiresAt is not an ISO-8601"},
            {"[\"" + ACCESS + "\"]", "does not hold a JSON object"},
            {"", "is empty"},
        };
        for (String[] c : cases) {
            CredentialsException e = assertThrows(CredentialsException.class, () -> claude(file(c[0])).read(), c[0]);
            assertTrue(e.getMessage().contains(c[1]), e.getMessage());
            assertTrue(e.getMessage().contains("credentials.json"), e.getMessage());
            assertNoSecrets(e);
        }
    }

    @Test
    void missingUnreadableAndOversizedFiles() throws Exception {
        CredentialsException missing = assertThrows(CredentialsException.class,
                () -> generic(dir.resolve("absent.json"), ExpiryFormat.EPOCH_SECONDS).read());
        assertEquals(CredentialsException.Reason.MISSING_FILE, missing.reason());

        Path big = file("{\"access_token\":\"" + ACCESS + "\",\"pad\":\"" + "x".repeat(AtomicFile.MAX_BYTES) + "\"}");
        CredentialsException tooLarge = assertThrows(CredentialsException.class,
                () -> generic(big, ExpiryFormat.EPOCH_SECONDS).read());
        assertEquals(CredentialsException.Reason.TOO_LARGE, tooLarge.reason());
        assertNoSecrets(tooLarge);

        Path locked = file(CLAUDE);
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        assumeTrue(!Files.isReadable(locked), "running as a user who can read anything");
        CredentialsException unreadable = assertThrows(CredentialsException.class, () -> claude(locked).read());
        assertTrue(unreadable.getMessage().contains("is not readable: permission denied"), unreadable.getMessage());
    }

    @Test
    void stampChangesWhenTheFileIsReplaced() throws Exception {
        Path file = file(CLAUDE);
        CredentialStore store = claude(file);
        FileStamp before = store.stamp();
        assertEquals(before, FileStamp.of(file));
        store.write(token("new-access", null, null), store.read().token());
        assertNotEquals(before, store.stamp());
        assertEquals(FileStamp.MISSING, FileStamp.of(dir.resolve("absent")));
    }

    private static void assertNoSecrets(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            assertFalse(message.contains(ACCESS) || message.contains("ACCESS-SECRET"), message);
            assertFalse(message.contains(REFRESH) || message.contains("REFRESH-SECRET"), message);
        }
    }
}
