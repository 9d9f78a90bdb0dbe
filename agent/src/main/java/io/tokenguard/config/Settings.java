package io.tokenguard.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The agent's configuration: immutable, typed and validated. Key {@code K} is read, highest first, from the
 * system property {@code tokenguard.K}, the environment variable {@code TOKENGUARD_K} (upper case, {@code .}
 * and {@code -} become {@code _}), the properties file named by {@code config-file} (keys with or without the
 * {@code tokenguard.} prefix), the preset, the default.
 *
 * <p>An empty value counts as set: it means "none" for keys without a default, the default for keys with
 * one, and the empty string for {@code header-prefix}. With {@code enabled=false} the required keys
 * ({@code hosts}, {@code credentials-file}) may be missing.
 *
 * <p>Plain JDK only: this is parsed in premain, before anything heavy is loaded.
 */
public final class Settings {
    static final String PREFIX = "tokenguard.";
    static final String ENV_PREFIX = "TOKENGUARD_";

    /** The instrumentation names accepted by {@link #instrumentationEnabled(String)}. */
    public static final List<String> INSTRUMENTATIONS = Collections.unmodifiableList(Arrays.asList(
            "jdk-http-client", "url-connection", "okhttp", "apache-httpclient-5", "apache-httpclient-4"));

    static final String DEFAULT_RELOGIN_HINT = "log in again to create new credentials";

    /** Every key, without the prefix, in the order of the documentation. */
    static final List<String> KEYS;

    static {
        List<String> keys = new ArrayList<>(Arrays.asList(
                "config-file", "preset", "hosts", "credentials-file", "credentials.access-token",
                "credentials.refresh-token", "credentials.expires-at", "credentials.lock-dirs", "token-url", "client-id", "client-secret",
                "client-secret-file", "client-auth", "token-request-format", "scope", "header", "header-prefix",
                "inject", "refresh-skew", "refresh-timeout", "max-replay-bytes", "log.format", "log.level",
                "log.file", "on-invalid-grant", "relogin-hint", "cache-dir", "enabled"));
        for (String name : INSTRUMENTATIONS) {
            keys.add(instrumentationKey(name));
        }
        KEYS = Collections.unmodifiableList(keys);
    }

    private final boolean enabled;
    private final String preset;
    private final Path configFile;
    private final HostMatcher hosts;
    private final Path credentialsFile;
    private final String accessTokenPointer;
    private final String refreshTokenPointer;
    private final String expiresAtPointer;
    private final boolean expiresAtMillisWhenAbsent;
    private final List<Path> lockDirs;
    private final URI tokenUrl;
    private final String clientId;
    private final String clientSecret;
    private final String clientAuth;
    private final String tokenRequestFormat;
    private final String scope;
    private final String header;
    private final String headerPrefix;
    private final String inject;
    private final Duration refreshSkew;
    private final Duration refreshTimeout;
    private final long maxReplayBytes;
    private final String logFormat;
    private final String logLevel;
    private final Path logFile;
    private final String onInvalidGrant;
    private final String reloginHint;
    private final Path cacheDir;
    private final Map<String, Boolean> instrumentation;
    private final List<String> warnings;

    /** Reads every key in the documented order, so that the first unusable value is the one reported. */
    private Settings(ConfigSources sources) throws ConfigException {
        Values values = new Values(sources);
        this.preset = sources.preset().name();
        this.expiresAtMillisWhenAbsent = sources.preset().expiresAtMillis();
        this.configFile = sources.configFile();
        this.enabled = values.bool("enabled", true);
        this.hosts = values.hosts(enabled);
        this.credentialsFile = values.credentialsFile(enabled);
        this.accessTokenPointer = values.pointer("credentials.access-token", "/access_token");
        this.refreshTokenPointer = values.pointer("credentials.refresh-token", "/refresh_token");
        this.expiresAtPointer = values.pointer("credentials.expires-at", "/expires_at");
        this.lockDirs = values.lockDirs(credentialsFile);
        this.tokenUrl = values.tokenUrl();
        this.clientId = values.optional("client-id");
        this.clientSecret = values.clientSecret();
        this.clientAuth = values.clientAuth(clientId, clientSecret);
        this.tokenRequestFormat = values.choice("token-request-format", "form", "form", "json");
        this.scope = values.optional("scope");
        this.header = values.header();
        this.headerPrefix = values.headerPrefix();
        this.inject = values.choice("inject", "replace", "replace", "always");
        this.refreshSkew = values.duration("refresh-skew", Duration.ofSeconds(60));
        this.refreshTimeout = values.refreshTimeout();
        this.maxReplayBytes = values.size("max-replay-bytes", 8L * 1024 * 1024);
        this.logFormat = values.choice("log.format", "text", "text", "json");
        this.logLevel = values.choice("log.level", "info", "trace", "debug", "info", "warn", "error");
        this.logFile = values.logFile();
        this.onInvalidGrant = values.choice("on-invalid-grant", "keep", "keep", "discard");
        this.reloginHint = values.reloginHint();
        this.cacheDir = values.cacheDir();
        Map<String, Boolean> instrumentation = new HashMap<>();
        for (String name : INSTRUMENTATIONS) {
            instrumentation.put(name, values.bool(instrumentationKey(name), true));
        }
        this.instrumentation = Collections.unmodifiableMap(instrumentation);
        this.warnings = Collections.unmodifiableList(new ArrayList<>(sources.warnings()));
    }

    /**
     * Reads and validates the configuration.
     *
     * @param systemProperties a snapshot of {@code System.getProperties()} (also supplies {@code user.home})
     * @param environment {@code System.getenv()}
     * @throws ConfigException for the first unusable value; its message names the key and the fix
     */
    public static Settings load(Map<String, String> systemProperties, Map<String, String> environment)
            throws ConfigException {
        ConfigSources sources = new ConfigSources(systemProperties, environment);
        sources.load();
        return new Settings(sources);
    }

    // ---- getters -----------------------------------------------------------------------------------

    public boolean enabled() {
        return enabled;
    }

    /** The preset's name; {@code generic} when none was chosen. */
    public String preset() {
        return preset;
    }

    /** The properties file named by {@code config-file}, or null. */
    public Path configFile() {
        return configFile;
    }

    /** The guarded hosts; {@link HostMatcher#none()} only when disabled without hosts. */
    public HostMatcher hosts() {
        return hosts;
    }

    /** The credential store, {@code ~} expanded; null only when disabled without one. */
    public Path credentialsFile() {
        return credentialsFile;
    }

    public String accessTokenPointer() {
        return accessTokenPointer;
    }

    public String refreshTokenPointer() {
        return refreshTokenPointer;
    }

    public String expiresAtPointer() {
        return expiresAtPointer;
    }

    /** Whether to write expiry as epoch milliseconds when the file shows no form (else epoch seconds). */
    public boolean expiresAtMillisWhenAbsent() {
        return expiresAtMillisWhenAbsent;
    }

    /** The token endpoint, or null when none is configured. */
    public URI tokenUrl() {
        return tokenUrl;
    }

    /** Nullable. */
    public String clientId() {
        return clientId;
    }

    /** Nullable. A secret: never log it. */
    public String clientSecret() {
        return clientSecret;
    }

    /** {@code none}, {@code basic} or {@code post}. */
    public String clientAuth() {
        return clientAuth;
    }

    /** {@code form} or {@code json}. */
    public String tokenRequestFormat() {
        return tokenRequestFormat;
    }

    /** Nullable. */
    public String scope() {
        return scope;
    }

    public String header() {
        return header;
    }

    public String headerPrefix() {
        return headerPrefix;
    }

    /** {@code replace} or {@code always}. */
    public String inject() {
        return inject;
    }

    public Duration refreshSkew() {
        return refreshSkew;
    }

    public Duration refreshTimeout() {
        return refreshTimeout;
    }

    public long maxReplayBytes() {
        return maxReplayBytes;
    }

    /** {@code text} or {@code json}. */
    public String logFormat() {
        return logFormat;
    }

    /** {@code trace}, {@code debug}, {@code info}, {@code warn} or {@code error}. */
    public String logLevel() {
        return logLevel;
    }

    /** Where rewritten classes are kept between starts ({@code cache-dir}); null for none. */
    public Path cacheDir() {
        return cacheDir;
    }

    /** Nullable: null means standard error. */
    public Path logFile() {
        return logFile;
    }

    /** {@code keep} or {@code discard}. */
    /** proper-lockfile directories taken with the OS lock around each refresh (Claude Code's, in its preset). */
    public List<Path> lockDirs() {
        return lockDirs;
    }

    public String onInvalidGrant() {
        return onInvalidGrant;
    }

    public String reloginHint() {
        return reloginHint;
    }

    /**
     * {@code instrumentation.NAME.enabled}.
     *
     * @throws IllegalArgumentException if {@code name} is not one of {@link #INSTRUMENTATIONS}
     */
    public boolean instrumentationEnabled(String name) {
        Boolean on = instrumentation.get(name);
        if (on == null) {
            throw new IllegalArgumentException("unknown instrumentation " + name + "; known: " + INSTRUMENTATIONS);
        }
        return on;
    }

    /** Non-fatal notes for the log, e.g. unknown keys with a "did you mean" suggestion. */
    public List<String> warnings() {
        return warnings;
    }

    // ---- helpers shared with the package ------------------------------------------------------------

    static String instrumentationKey(String name) {
        return "instrumentation." + name + ".enabled";
    }

    /** The environment variable for {@code key}: {@code TOKENGUARD_} + upper case, {@code .} and {@code -} as {@code _}. */
    static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** A value quoted for a message: control characters escaped, long values cut. */
    static String quote(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 2).append('"');
        int limit = Math.min(value.length(), 200);
        for (int i = 0; i < limit; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"':
                    sb.append("\\\"");
                    break;
                case '\\':
                    sb.append("\\\\");
                    break;
                case '\n':
                    sb.append("\\n");
                    break;
                case '\r':
                    sb.append("\\r");
                    break;
                case '\t':
                    sb.append("\\t");
                    break;
                default:
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        if (value.length() > limit) {
            sb.append("...");
        }
        return sb.append('"').toString();
    }

    /** Levenshtein distance; see {@link ConfigSources}. */
    static int distance(String a, String b) {
        return ConfigSources.distance(a, b);
    }

    /** The candidate closest to {@code unknown} within edit distance 3, or null; see {@link ConfigSources}. */
    static String closest(String unknown, Collection<String> candidates) {
        return ConfigSources.closest(unknown, candidates);
    }
}
