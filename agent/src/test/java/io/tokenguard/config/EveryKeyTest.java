package io.tokenguard.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every key the agent reads, enumerated from the code ({@link Settings#KEYS}), has a row here: a bad value
 * and what the message must say about it (the key, the value unless it is a secret, the fix). A key added
 * without a row fails {@link #everyKeyHasARow()}. And a one-letter typo of every key, from each of the three
 * sources, draws a warning that suggests that key.
 */
class EveryKeyTest {
    private static final String SECRET = "s3cr3t-Value-42";
    /** Keys whose every value is usable: free text sent as it is (form- or JSON-encoded) or only logged. */
    private static final List<String> FREE_TEXT = List.of("client-id", "scope", "relogin-hint");

    @TempDir
    Path dir;

    /** One bad value and the words its message must hold besides {@code tokenguard.KEY}. */
    private static final class Row {
        final String value;
        final String[] fixWords;
        final String[] otherSettings;
        boolean secret;

        Row(String value, String[] fixWords, String... otherSettings) {
            this.value = value;
            this.fixWords = fixWords;
            this.otherSettings = otherSettings;
        }

        Row secret() {
            this.secret = true;
            return this;
        }
    }

    private static Row bad(String value, String... fixWords) {
        return new Row(value, fixWords);
    }

    private Map<String, Row> rows() {
        String missing = dir.resolve("missing").toString();
        Map<String, Row> rows = new LinkedHashMap<>();
        rows.put("config-file", bad(missing, "cannot be read", "no such file", "point tokenguard.config-file at"));
        rows.put("preset", bad("claude", "use one of generic, claude-code"));
        rows.put("hosts", bad("api example.com", "separate entries with commas"));
        rows.put("credentials-file", bad("creds\u0000.json", "not a valid path", "use a file path"));
        for (String pointer : List.of("credentials.access-token", "credentials.refresh-token", "credentials.expires-at")) {
            rows.put(pointer, bad("claudeAiOauth.accessToken", "not a JSON pointer", "use a JSON pointer starting with /"));
        }
        rows.put("credentials.lock-dirs", bad("locks/here", "needs absolute paths", "{dir}/.oauth_refresh.lock"));
        rows.put("token-url", bad("ftp://auth.example.com/token", "not an http(s) URL", "use the token endpoint's https URL"));
        rows.put("client-secret", new Row(SECRET, new String[] {"client-secret-file", "set only one"},
                "client-id", "app", "client-secret-file", missing).secret());
        rows.put("client-secret-file", bad(missing, "cannot be read", "point tokenguard.client-secret-file at"));
        rows.put("client-auth", bad("digest", "use none, basic or post"));
        rows.put("token-request-format", bad("xml", "use form or json"));
        rows.put("header", bad("X Api Key", "not a valid header name", "use e.g. Authorization"));
        rows.put("header-prefix", bad("Bearer\n", "line break", "use printable text"));
        rows.put("inject", bad("sometimes", "use replace or always"));
        rows.put("refresh-skew", bad("soon", "not a duration", "use 250ms, 30s, 5m, 1h"));
        rows.put("refresh-timeout", bad("0s", "more than 0", "use e.g. 10s"));
        rows.put("max-replay-bytes", bad("lots", "not a size", "use a number of bytes"));
        rows.put("log.format", bad("xml", "use text or json"));
        rows.put("log.level", bad("verbose", "use trace, debug, info, warn or error"));
        rows.put("log.file", bad("log\u0000.txt", "not a valid path", "use a file path"));
        rows.put("on-invalid-grant", bad("delete", "use keep or discard"));
        rows.put("cache-dir", bad("cache\u0000dir", "not a valid path", "use a file path"));
        rows.put("enabled", bad("yes", "use true or false"));
        for (String name : Settings.INSTRUMENTATIONS) {
            rows.put(Settings.instrumentationKey(name), bad("on", "use true or false"));
        }
        return rows;
    }

    private Map<String, String> sys(String... keyValues) {
        Map<String, String> m = new HashMap<>();
        m.put("user.home", dir.toString());
        m.put("tokenguard.hosts", "api.example.com");
        m.put("tokenguard.credentials-file", dir.resolve("credentials.json").toString());
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put("tokenguard." + keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    @Test
    void everyKeyHasARow() {
        TreeSet<String> covered = new TreeSet<>(rows().keySet());
        covered.addAll(FREE_TEXT);
        assertEquals(new TreeSet<>(Settings.KEYS), covered, "a key without a bad-value row (or a row for no key)");
    }

    @Test
    void aBadValueOfEveryKeyNamesTheKeyTheValueAndTheFix() {
        for (Map.Entry<String, Row> entry : rows().entrySet()) {
            String key = entry.getKey();
            Row row = entry.getValue();
            Map<String, String> sys = sys(row.otherSettings);
            sys.put("tokenguard." + key, row.value);
            ConfigException e = assertThrows(ConfigException.class, () -> Settings.load(sys, Map.of()), key);
            String message = e.getMessage();
            assertEquals(key, e.key(), message);
            assertTrue(message.startsWith("tokenguard." + key), message);
            if (row.secret) {
                assertFalse(message.contains(row.value), "a secret is never echoed: " + message);
            } else {
                assertTrue(message.contains(Settings.quote(row.value)), "names the value: " + message);
            }
            for (String word : row.fixWords) {
                assertTrue(message.contains(word), "'" + word + "' in: " + message);
            }
        }
    }

    /** The same value read from the environment or the config file says where it came from. */
    @Test
    void aBadValueFromTheEnvironmentOrTheConfigFileNamesItsSource() throws IOException {
        ConfigException fromEnv = assertThrows(ConfigException.class,
                () -> Settings.load(sys(), Map.of("TOKENGUARD_LOG_LEVEL", "verbose")));
        assertTrue(fromEnv.getMessage().contains("(from environment variable TOKENGUARD_LOG_LEVEL)"), fromEnv.getMessage());
        Path cfg = Files.write(dir.resolve("tg.properties"), "tokenguard.inject=sometimes\n".getBytes(StandardCharsets.UTF_8));
        ConfigException fromFile = assertThrows(ConfigException.class,
                () -> Settings.load(sys("config-file", cfg.toString()), Map.of()));
        assertTrue(fromFile.getMessage().contains("(from config file " + cfg + ")"), fromFile.getMessage());
    }

    @Test
    void freeTextKeysTakeAnyValue() throws Exception {
        for (String key : FREE_TEXT) {
            Settings.load(sys(key, "any \"value\" \u00e9 / : ,"), Map.of());
        }
    }

    /** A dropped letter in any key, from any source, is ignored with a warning that names the key meant. */
    @Test
    void aTypoOfEveryKeySuggestsThatKeyFromEverySource() throws Exception {
        for (String key : Settings.KEYS) {
            if (key.equals("config-file")) {
                continue; // read before the file; its typo is still suggested from the other two sources below
            }
            String typo = key.substring(0, key.length() / 2) + key.substring(key.length() / 2 + 1);
            Path cfg = Files.write(dir.resolve("typo.properties"), (typo + "=x\n").getBytes(StandardCharsets.UTF_8));
            String envTypo = Settings.envName(typo);
            Settings settings;
            try {
                settings = Settings.load(sys(typo, "x", "config-file", cfg.toString()), Map.of(envTypo, "x"));
            } catch (ConfigException e) {
                throw new AssertionError(key + ": a typo must never be read as a value: " + e.getMessage(), e);
            }
            List<String> expected = new ArrayList<>(List.of(
                    "tokenguard." + typo + ": unknown setting (system property), ignored; did you mean tokenguard." + key + "?",
                    envTypo + ": unknown setting (environment variable), ignored; did you mean " + Settings.envName(key) + "?",
                    typo + ": unknown setting in config file " + cfg + ", ignored; did you mean " + key + "?"));
            assertEquals(expected, settings.warnings(), key);
        }
        Settings configFileTypo = Settings.load(sys("config-fle", "/x"), Map.of("TOKENGUARD_CONFIG_FLE", "/x"));
        assertEquals(List.of("tokenguard.config-fle: unknown setting (system property), ignored; did you mean "
                + "tokenguard.config-file?", "TOKENGUARD_CONFIG_FLE: unknown setting (environment variable), ignored; "
                + "did you mean TOKENGUARD_CONFIG_FILE?"), configFileTypo.warnings());
    }
}
