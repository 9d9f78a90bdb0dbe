package io.tokenguard.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {
    private static final String SECRET = "s3cr3t-Value-42";

    @TempDir
    Path dir;

    private Map<String, String> sys(String... keyValues) {
        Map<String, String> m = new HashMap<>();
        m.put("user.home", dir.toString());
        m.put("java.version", "17");
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put("tokenguard." + keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    private static Map<String, String> env(String... keyValues) {
        Map<String, String> m = new HashMap<>();
        m.put("PATH", "/usr/bin");
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    private Path file(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, content.getBytes(StandardCharsets.UTF_8));
        return p;
    }

    /** Minimal valid generic configuration plus the given keys. */
    private Map<String, String> generic(String... keyValues) {
        Map<String, String> m = sys("hosts", "api.example.com", "credentials-file", "/tmp/creds.json");
        m.putAll(sys(keyValues));
        return m;
    }

    private static ConfigException fails(Map<String, String> sys, Map<String, String> env) {
        return assertThrows(ConfigException.class, () -> Settings.load(sys, env));
    }

    private static void assertMentions(ConfigException e, String key, String... words) {
        assertEquals(key, e.key(), e.getMessage());
        assertTrue(e.getMessage().startsWith("tokenguard." + key) || e.getMessage().contains("tokenguard." + key),
                e.getMessage());
        for (String w : words) {
            assertTrue(e.getMessage().contains(w), "expected '" + w + "' in: " + e.getMessage());
        }
    }

    // ---- defaults and presets ----

    @Test
    void genericDefaults() throws Exception {
        Settings s = Settings.load(generic(), env());
        assertTrue(s.enabled());
        assertEquals("generic", s.preset());
        assertEquals("api.example.com", s.hosts().toString());
        assertEquals(Path.of("/tmp/creds.json"), s.credentialsFile());
        assertEquals("/access_token", s.accessTokenPointer());
        assertEquals("/refresh_token", s.refreshTokenPointer());
        assertEquals("/expires_at", s.expiresAtPointer());
        assertFalse(s.expiresAtMillisWhenAbsent());
        assertNull(s.tokenUrl());
        assertNull(s.clientId());
        assertNull(s.clientSecret());
        assertEquals("none", s.clientAuth());
        assertEquals("form", s.tokenRequestFormat());
        assertNull(s.scope());
        assertEquals("Authorization", s.header());
        assertEquals("Bearer ", s.headerPrefix());
        assertEquals("replace", s.inject());
        assertEquals(Duration.ofSeconds(60), s.refreshSkew());
        assertEquals(Duration.ofSeconds(10), s.refreshTimeout());
        assertEquals(8388608L, s.maxReplayBytes());
        assertEquals("text", s.logFormat());
        assertEquals("info", s.logLevel());
        assertNull(s.logFile());
        assertEquals("keep", s.onInvalidGrant());
        assertEquals("log in again to create new credentials", s.reloginHint());
        for (String name : Settings.INSTRUMENTATIONS) {
            assertTrue(s.instrumentationEnabled(name), name);
        }
        assertTrue(s.warnings().isEmpty(), s.warnings().toString());
        assertThrows(IllegalArgumentException.class, () -> s.instrumentationEnabled("netty"));
    }

    @Test
    void claudeCodePreset() throws Exception {
        Settings s = Settings.load(sys("preset", "claude-code"), env());
        assertEquals("claude-code", s.preset());
        assertTrue(s.hosts().matches("api.anthropic.com", 443));
        assertFalse(s.hosts().matches("api.example.com", 443));
        assertEquals(dir.resolve(".claude/.credentials.json"), s.credentialsFile());
        assertEquals("/claudeAiOauth/accessToken", s.accessTokenPointer());
        assertEquals("/claudeAiOauth/refreshToken", s.refreshTokenPointer());
        assertEquals("/claudeAiOauth/expiresAt", s.expiresAtPointer());
        assertTrue(s.expiresAtMillisWhenAbsent());
        assertEquals(URI.create("https://platform.claude.com/v1/oauth/token"), s.tokenUrl());
        assertEquals("json", s.tokenRequestFormat());
        assertEquals("9d1c250a-e61b-44d9-88ed-5944d1962f5e", s.clientId());
        assertNull(s.clientSecret());
        assertEquals("none", s.clientAuth());
    }

    @Test
    void explicitKeysOverrideThePreset() throws Exception {
        Path cfg = file("tg.properties", "token-request-format=form\n");
        Settings s = Settings.load(
                sys("preset", "claude-code", "hosts", "api.anthropic.com,*.example.com", "client-id", "mine",
                        "config-file", cfg.toString()),
                env("TOKENGUARD_TOKEN_URL", "https://auth.example.com/token",
                        "TOKENGUARD_CREDENTIALS_EXPIRES_AT", "/exp"));
        assertEquals("mine", s.clientId());
        assertEquals("form", s.tokenRequestFormat());
        assertEquals(URI.create("https://auth.example.com/token"), s.tokenUrl());
        assertEquals("/exp", s.expiresAtPointer());
        assertTrue(s.hosts().matches("x.example.com", 443));
        assertEquals("/claudeAiOauth/accessToken", s.accessTokenPointer());
    }

    @Test
    void presetNameIsCaseInsensitiveAndMayComeFromTheEnvironment() throws Exception {
        assertEquals("claude-code", Settings.load(sys(), env("TOKENGUARD_PRESET", "Claude-Code")).preset());
    }

    // ---- precedence ----

    @Test
    void precedenceSystemPropertyEnvironmentFilePresetDefault() throws Exception {
        Path cfg = file("tg.properties", "refresh-skew=3m\nscope=from-file\ntoken-url=https://file.example/token\n"
                + "hosts=file.example.com\n");
        Map<String, String> env = env("TOKENGUARD_CONFIG_FILE", cfg.toString(), "TOKENGUARD_REFRESH_SKEW", "2m",
                "TOKENGUARD_SCOPE", "from-env");
        Map<String, String> sys = sys("preset", "claude-code", "refresh-skew", "1m");

        Settings s = Settings.load(sys, env);
        assertEquals(Duration.ofMinutes(1), s.refreshSkew()); // system property
        assertEquals("from-env", s.scope()); // environment over file
        assertEquals(URI.create("https://file.example/token"), s.tokenUrl()); // file over preset
        assertTrue(s.hosts().matches("file.example.com", 443));
        assertFalse(s.hosts().matches("api.anthropic.com", 443));
        assertEquals("/claudeAiOauth/refreshToken", s.refreshTokenPointer()); // preset over default
        assertEquals(Duration.ofSeconds(10), s.refreshTimeout()); // default
        assertEquals(cfg, s.configFile());

        sys.remove("tokenguard.refresh-skew");
        assertEquals(Duration.ofMinutes(2), Settings.load(sys, env).refreshSkew());
        env.remove("TOKENGUARD_REFRESH_SKEW");
        assertEquals(Duration.ofMinutes(3), Settings.load(sys, env).refreshSkew());
        Files.write(cfg, "scope=x\n".getBytes(StandardCharsets.UTF_8));
        Settings fromPreset = Settings.load(sys, env);
        assertEquals(Duration.ofSeconds(60), fromPreset.refreshSkew());
        assertEquals(URI.create("https://platform.claude.com/v1/oauth/token"), fromPreset.tokenUrl());
    }

    @Test
    void configFileFromSystemPropertyAcceptsPrefixedKeys() throws Exception {
        Path cfg = file("tg.properties", "# comment\ntokenguard.hosts=api.example.com\n"
                + "tokenguard.credentials-file=~/creds.json\nlog.level=DEBUG\n");
        Settings s = Settings.load(sys("config-file", cfg.toString()), env());
        assertTrue(s.hosts().matches("api.example.com", 443));
        assertEquals(dir.resolve("creds.json"), s.credentialsFile());
        assertEquals("debug", s.logLevel());
    }

    @Test
    void configFileWithTilde() throws Exception {
        file("tg.properties", "hosts=api.example.com\ncredentials-file=/c.json\n");
        Settings s = Settings.load(sys("config-file", "~/tg.properties"), env());
        assertEquals(dir.resolve("tg.properties"), s.configFile());
    }

    @Test
    void environmentVariableNames() throws Exception {
        Settings s = Settings.load(sys(), env("TOKENGUARD_HOSTS", "api.example.com",
                "TOKENGUARD_CREDENTIALS_FILE", "~/x/creds.json",
                "TOKENGUARD_INSTRUMENTATION_OKHTTP_ENABLED", "false",
                "TOKENGUARD_INSTRUMENTATION_APACHE_HTTPCLIENT_5_ENABLED", "FALSE",
                "TOKENGUARD_LOG_FORMAT", "json",
                "TOKENGUARD_MAX_REPLAY_BYTES", "512KiB"));
        assertEquals(dir.resolve("x/creds.json"), s.credentialsFile());
        assertFalse(s.instrumentationEnabled("okhttp"));
        assertFalse(s.instrumentationEnabled("apache-httpclient-5"));
        assertTrue(s.instrumentationEnabled("apache-httpclient-4"));
        assertTrue(s.instrumentationEnabled("jdk-http-client"));
        assertEquals("json", s.logFormat());
        assertEquals(512 * 1024L, s.maxReplayBytes());
        assertTrue(s.warnings().isEmpty(), s.warnings().toString());
        assertEquals("TOKENGUARD_INSTRUMENTATION_URL_CONNECTION_ENABLED",
                Settings.envName("instrumentation.url-connection.enabled"));
    }

    @Test
    void typedValues() throws Exception {
        Path log = dir.resolve("tg.log");
        Settings s = Settings.load(generic("refresh-skew", "1.5", "refresh-timeout", "250ms", "max-replay-bytes",
                "8MiB", "inject", "ALWAYS", "on-invalid-grant", "discard", "header", "X-Api-Key", "header-prefix", "",
                "log.file", log.toString(), "enabled", "TRUE", "relogin-hint", "run claude /login",
                "scope", "user:inference", "credentials.access-token", "/a~1b/c~0d"), env());
        assertEquals(Duration.ofMillis(1500), s.refreshSkew());
        assertEquals(Duration.ofMillis(250), s.refreshTimeout());
        assertEquals(8L * 1024 * 1024, s.maxReplayBytes());
        assertEquals("always", s.inject());
        assertEquals("discard", s.onInvalidGrant());
        assertEquals("X-Api-Key", s.header());
        assertEquals("", s.headerPrefix());
        assertEquals(log, s.logFile());
        assertTrue(s.enabled());
        assertEquals("run claude /login", s.reloginHint());
        assertEquals("user:inference", s.scope());
        assertEquals("/a~1b/c~0d", s.accessTokenPointer());
    }

    @Test
    void headerPrefixKeepsItsTrailingSpaceFromTheConfigFile() throws Exception {
        Path cfg = file("tg.properties", "header-prefix=Token \n");
        Settings s = Settings.load(generic("config-file", cfg.toString()), env());
        assertEquals("Token ", s.headerPrefix());
    }

    @Test
    void emptyValueMeansDefault() throws Exception {
        Settings s = Settings.load(generic("refresh-skew", "", "scope", " "), env("TOKENGUARD_LOG_LEVEL", ""));
        assertEquals(Duration.ofSeconds(60), s.refreshSkew());
        assertNull(s.scope());
        assertEquals("info", s.logLevel());
    }

    @Test
    void disabledNeedsNoHostsOrCredentials() throws Exception {
        Settings s = Settings.load(sys("enabled", "false"), env());
        assertFalse(s.enabled());
        assertFalse(s.hosts().matches("api.example.com", 443));
        assertNull(s.credentialsFile());
    }

    @Test
    void loopbackHttpTokenUrlIsAllowed() throws Exception {
        for (String url : new String[] {"http://localhost:8080/token", "http://127.0.0.1/t", "http://127.1.2.3:9/t",
                "http://[::1]:8443/t", "HTTP://LOCALHOST/t", "https://auth.example.com/t", "http://127.0.0.5/t", "http://[::1]/t",
                "http://localhost./t", "http://[0:0:0:0:0:0:0:1]/t"}) {
            assertEquals(URI.create(url), Settings.load(generic("token-url", url), env()).tokenUrl(), url);
        }
    }

    // ---- client authentication ----

    @Test
    void clientSecretDefaultsToBasic() throws Exception {
        Settings s = Settings.load(generic("client-id", "app", "client-secret", SECRET), env());
        assertEquals(SECRET, s.clientSecret());
        assertEquals("basic", s.clientAuth());
        Settings post = Settings.load(generic("client-id", "app", "client-secret", SECRET, "client-auth", "post"),
                env());
        assertEquals("post", post.clientAuth());
    }

    @Test
    void clientSecretFileIsReadAndTrimmed() throws Exception {
        Path secret = file("secret", "  " + SECRET + "\n");
        Settings s = Settings.load(generic("client-id", "app"), env("TOKENGUARD_CLIENT_SECRET_FILE", secret.toString()));
        assertEquals(SECRET, s.clientSecret());
        assertEquals("basic", s.clientAuth());
    }

    @Test
    void clientSecretWithAuthNoneWarns() throws Exception {
        Settings s = Settings.load(generic("client-id", "app", "client-secret", SECRET, "client-auth", "none"),
                env());
        assertEquals("none", s.clientAuth());
        assertEquals(1, s.warnings().size());
        assertFalse(s.warnings().get(0).contains(SECRET));
    }

    // ---- errors: every one names the key and the fix ----

    @Test
    void badDuration() {
        ConfigException e = fails(generic("refresh-skew", "5 minutes"), env());
        assertEquals("refresh-skew", e.key());
        assertEquals("tokenguard.refresh-skew: \"5 minutes\" is not a duration; use 250ms, 30s, 5m, 1h or a number "
                + "of seconds", e.getMessage());
        assertMentions(fails(generic(), env("TOKENGUARD_REFRESH_TIMEOUT", "soon")), "refresh-timeout",
                "\"soon\"", "30s", "TOKENGUARD_REFRESH_TIMEOUT");
        assertMentions(fails(generic("refresh-timeout", "0"), env()), "refresh-timeout", "more than 0");
        assertMentions(fails(generic("refresh-skew", "-5s"), env()), "refresh-skew", "negative");
    }

    @Test
    void httpTokenUrlToARemoteHost() {
        ConfigException e = fails(generic("token-url", "http://auth.example.com/token"), env());
        assertMentions(e, "token-url", "http://auth.example.com/token", "unencrypted", "https");
        assertMentions(fails(generic("token-url", "http://127.0.0.1.evil.test/t"), env()), "token-url", "https");
        assertMentions(fails(generic("token-url", "http://localhost.evil.test/t"), env()), "token-url", "https");
        for (String remote : new String[] {"http://example.com/t", "http://128.0.0.1/t", "http://[::2]/t",
                "http://evil.test/127.0.0.1", "http://localhost.evil.test:80/t", "http://126.255.255.255/t"}) {
            assertMentions(fails(generic("token-url", remote), env()), "token-url", remote, "use https");
        }
        assertMentions(fails(generic("token-url", "ftp://auth.example.com/t"), env()), "token-url", "https");
        assertMentions(fails(generic("token-url", "not a url"), env()), "token-url", "https://");
        assertMentions(fails(generic("token-url", "/oauth/token"), env()), "token-url", "https://");
    }

    @Test
    void tokenUrlWithUserInfoIsRejectedWithoutEchoingIt() {
        ConfigException e = fails(generic("token-url", "https://app:" + SECRET + "@auth.example.com/t"), env());
        assertMentions(e, "token-url", "client-secret");
        assertFalse(e.getMessage().contains(SECRET), e.getMessage());
    }

    @Test
    void unreadableConfigFile() {
        Path missing = dir.resolve("nope.properties");
        ConfigException e = fails(generic(), env("TOKENGUARD_CONFIG_FILE", missing.toString()));
        assertMentions(e, "config-file", missing.toString(), "no such file", "TOKENGUARD_CONFIG_FILE");
        assertMentions(fails(generic("config-file", dir.toString()), env()), "config-file", "cannot be read");
    }

    @Test
    void unknownPreset() {
        ConfigException e = fails(sys("preset", "claude"), env());
        assertMentions(e, "preset", "\"claude\"", "generic", "claude-code");
    }

    @Test
    void badBoolean() {
        assertMentions(fails(generic("enabled", "yes"), env()), "enabled", "\"yes\"", "true or false");
        assertMentions(fails(generic(), env("TOKENGUARD_INSTRUMENTATION_OKHTTP_ENABLED", "0")),
                "instrumentation.okhttp.enabled", "true or false");
    }

    @Test
    void basicWithoutSecret() {
        assertMentions(fails(generic("client-id", "app", "client-auth", "basic"), env()), "client-auth",
                "client-secret");
        assertMentions(fails(generic("client-auth", "post"), env()), "client-auth", "client-secret");
        assertMentions(fails(generic("client-auth", "jwt"), env()), "client-auth", "none, basic or post");
        assertMentions(fails(generic("client-secret", SECRET), env()), "client-id", "set tokenguard.client-id");
    }

    @Test
    void missingCredentialsFile() {
        ConfigException e = fails(sys("hosts", "api.example.com"), env());
        assertMentions(e, "credentials-file", "tokenguard.credentials-file=/path/to/credentials.json",
                "tokenguard.preset=claude-code");
    }

    @Test
    void missingHosts() {
        assertMentions(fails(sys("credentials-file", "/c.json"), env()), "hosts", "tokenguard.hosts=",
                "tokenguard.preset=claude-code");
        assertMentions(fails(sys("credentials-file", "/c.json", "hosts", ""), env()), "hosts");
        assertMentions(fails(sys("credentials-file", "/c.json", "hosts", "a.com,,b.com"), env()), "hosts", "empty");
        assertMentions(fails(sys("credentials-file", "/c.json", "hosts", "a.com:99999"), env()), "hosts", "port");
        assertMentions(fails(sys("preset", "claude-code", "hosts", "api.anthropic.com b.com"), env()), "hosts",
                "space");
    }

    @Test
    void otherInvalidValues() throws IOException {
        assertMentions(fails(generic("header", "X Api Key"), env()), "header", "Authorization");
        assertMentions(fails(generic("header", "X-Key:"), env()), "header");
        assertMentions(fails(generic("header-prefix", "Bearer\r\nX-Evil: 1"), env()), "header-prefix",
                "\\r\\n", "\"Bearer \"");
        assertMentions(fails(generic("credentials.access-token", "claudeAiOauth.accessToken"), env()),
                "credentials.access-token", "JSON pointer", "start");
        assertMentions(fails(generic("credentials.expires-at", "/a~2"), env()), "credentials.expires-at", "~1");
        assertMentions(fails(generic("max-replay-bytes", "lots"), env()), "max-replay-bytes", "8MiB");
        assertMentions(fails(generic("max-replay-bytes", "-1"), env()), "max-replay-bytes", "negative");
        assertMentions(fails(generic("max-replay-bytes", "99999999999999999999"), env()), "max-replay-bytes");
        assertMentions(fails(generic("log.level", "verbose"), env()), "log.level", "trace, debug, info, warn or error");
        assertMentions(fails(generic("log.format", "xml"), env()), "log.format", "text or json");
        assertMentions(fails(generic("inject", "sometimes"), env()), "inject", "replace or always");
        assertMentions(fails(generic("on-invalid-grant", "delete"), env()), "on-invalid-grant", "keep or discard");
        assertMentions(fails(generic("token-request-format", "xml"), env()), "token-request-format", "form or json");
        Path cfg = file("tg.properties", "refresh-skew=forever\n");
        assertMentions(fails(generic("config-file", cfg.toString()), env()), "refresh-skew", "config file " + cfg);
    }

    @Test
    void clientSecretProblems() {
        Path missing = dir.resolve("missing-secret");
        assertMentions(fails(generic("client-id", "a", "client-secret-file", missing.toString()), env()),
                "client-secret-file", missing.toString(), "no such file");
        ConfigException both = fails(generic("client-id", "a", "client-secret", SECRET),
                env("TOKENGUARD_CLIENT_SECRET_FILE", "/run/secrets/x"));
        assertMentions(both, "client-secret", "client-secret-file", "only one");
    }

    @Test
    void emptyClientSecretFile() throws IOException {
        Path empty = file("empty", "\n");
        assertMentions(fails(generic("client-id", "a", "client-secret-file", empty.toString()), env()),
                "client-secret-file", "empty");
    }

    @Test
    void theClientSecretNeverAppearsInAMessage() throws IOException {
        Path secretFile = file("secret", SECRET);
        Path cfg = file("tg.properties", "client-secret=" + SECRET + "\nclient-secert=" + SECRET + "\n");
        List<Map<String, String>> failing = new ArrayList<>();
        failing.add(generic("client-secret", SECRET));
        failing.add(generic("client-secret", SECRET, "client-id", "a", "client-auth", "bogus"));
        failing.add(generic("client-secret", SECRET, "client-id", "a", "client-secret-file", secretFile.toString()));
        failing.add(generic("config-file", cfg.toString(), "client-id", "a", "client-secret-file",
                secretFile.toString()));
        failing.add(generic("client-secret", SECRET, "client-id", "a", "refresh-skew", "x"));
        for (Map<String, String> sys : failing) {
            ConfigException e = fails(sys, env());
            assertFalse(e.getMessage().contains(SECRET), e.getMessage());
        }
        ConfigException fromEnv = fails(generic("client-id", "a", "client-secret-file", secretFile.toString()),
                env("TOKENGUARD_CLIENT_SECRET", SECRET));
        assertFalse(fromEnv.getMessage().contains(SECRET), fromEnv.getMessage());
    }

    @Test
    void theClientSecretNeverAppearsInAWarning() throws Exception {
        Path cfg = file("tg.properties", "client-secert=" + SECRET + "\n");
        Settings s = Settings.load(generic("config-file", cfg.toString(), "client-secrett", SECRET),
                env("TOKENGUARD_CLIENT_SECRT", SECRET));
        assertEquals(3, s.warnings().size(), s.warnings().toString());
        for (String w : s.warnings()) {
            assertFalse(w.contains(SECRET), w);
        }
    }

    // ---- warnings ----

    @Test
    void didYouMean() throws Exception {
        Path cfg = file("tg.properties", "refresh-skw=30s\ntokenguard.log.levl=debug\nconfig-file=/x\n");
        Settings s = Settings.load(generic("refresh-skwe", "30s", "config-file", cfg.toString(), "zzzzzzzzzzzz", "1"),
                env("TOKENGUARD_REFRESH_TIMEUT", "5s", "TOKENGUARDIAN", "x"));
        List<String> w = s.warnings();
        assertTrue(w.contains("tokenguard.refresh-skwe: unknown setting (system property), ignored; did you mean "
                + "tokenguard.refresh-skew?"), w.toString());
        assertTrue(w.contains("tokenguard.zzzzzzzzzzzz: unknown setting (system property), ignored"), w.toString());
        assertTrue(w.contains("TOKENGUARD_REFRESH_TIMEUT: unknown setting (environment variable), ignored; did you "
                + "mean TOKENGUARD_REFRESH_TIMEOUT?"), w.toString());
        assertTrue(w.contains("refresh-skw: unknown setting in config file " + cfg + ", ignored; did you mean "
                + "refresh-skew?"), w.toString());
        assertTrue(w.contains("log.levl: unknown setting in config file " + cfg + ", ignored; did you mean "
                + "log.level?"), w.toString());
        assertTrue(w.stream().anyMatch(x -> x.startsWith("config-file in config file")), w.toString());
        assertEquals(6, w.size(), w.toString());
        // the misspelled keys were ignored
        assertEquals(Duration.ofSeconds(60), s.refreshSkew());
        assertEquals("info", s.logLevel());
    }

    // ---- durations ----

    @Test
    void durations() throws ConfigException {
        assertEquals(Duration.ofMillis(250), Durations.parse("k", "250ms"));
        assertEquals(Duration.ofSeconds(30), Durations.parse("k", "30s"));
        assertEquals(Duration.ofMinutes(5), Durations.parse("k", "5m"));
        assertEquals(Duration.ofHours(1), Durations.parse("k", "1h"));
        assertEquals(Duration.ofSeconds(45), Durations.parse("k", "45"));
        assertEquals(Duration.ofMillis(1500), Durations.parse("k", "1.5"));
        assertEquals(Duration.ofMillis(500), Durations.parse("k", ".5s"));
        assertEquals(Duration.ofMinutes(90), Durations.parse("k", "1.5h"));
        assertEquals(Duration.ofSeconds(30), Durations.parse("k", " 30 S "));
        assertEquals(Duration.ZERO, Durations.parse("k", "0"));
        for (String bad : new String[] {"", "s", "5 minutes", "1e3", "1.", "1.2.3", "5x", "ms", "NaN", "-1",
                "999999999999999999999h"}) {
            ConfigException e = assertThrows(ConfigException.class, () -> Durations.parse("refresh-skew", bad), bad);
            assertEquals("refresh-skew", e.key());
            assertTrue(e.getMessage().startsWith("tokenguard.refresh-skew: "), e.getMessage());
        }
        assertEquals("1h", Durations.format(Duration.ofHours(1)));
        assertEquals("90s", Durations.format(Duration.ofSeconds(90)));
        assertEquals("250ms", Durations.format(Duration.ofMillis(250)));
        assertEquals("0s", Durations.format(Duration.ZERO));
    }

    @Test
    void editDistance() {
        assertEquals(2, Settings.distance("refresh-skwe", "refresh-skew"));
        assertEquals("refresh-skew", Settings.closest("refresh-skwe", Settings.KEYS));
        assertNull(Settings.closest("completely-different", Settings.KEYS));
    }
}
