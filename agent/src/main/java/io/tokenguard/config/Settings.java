package io.tokenguard.config;

import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

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
    private static final Set<String> KEY_SET;

    static {
        List<String> keys = new ArrayList<>(Arrays.asList(
                "config-file", "preset", "hosts", "credentials-file", "credentials.access-token",
                "credentials.refresh-token", "credentials.expires-at", "token-url", "client-id", "client-secret",
                "client-secret-file", "client-auth", "token-request-format", "scope", "header", "header-prefix",
                "inject", "refresh-skew", "refresh-timeout", "max-replay-bytes", "log.format", "log.level",
                "log.file", "on-invalid-grant", "relogin-hint", "enabled"));
        for (String name : INSTRUMENTATIONS) {
            keys.add(instrumentationKey(name));
        }
        KEYS = Collections.unmodifiableList(keys);
        KEY_SET = Collections.unmodifiableSet(new LinkedHashSet<>(keys));
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
    private final Map<String, Boolean> instrumentation;
    private final List<String> warnings;

    private Settings(Loader l) {
        this.enabled = l.enabled;
        this.preset = l.preset.name();
        this.configFile = l.configFile;
        this.hosts = l.hosts;
        this.credentialsFile = l.credentialsFile;
        this.accessTokenPointer = l.accessTokenPointer;
        this.refreshTokenPointer = l.refreshTokenPointer;
        this.expiresAtPointer = l.expiresAtPointer;
        this.expiresAtMillisWhenAbsent = l.preset.expiresAtMillis();
        this.tokenUrl = l.tokenUrl;
        this.clientId = l.clientId;
        this.clientSecret = l.clientSecret;
        this.clientAuth = l.clientAuth;
        this.tokenRequestFormat = l.tokenRequestFormat;
        this.scope = l.scope;
        this.header = l.header;
        this.headerPrefix = l.headerPrefix;
        this.inject = l.inject;
        this.refreshSkew = l.refreshSkew;
        this.refreshTimeout = l.refreshTimeout;
        this.maxReplayBytes = l.maxReplayBytes;
        this.logFormat = l.logFormat;
        this.logLevel = l.logLevel;
        this.logFile = l.logFile;
        this.onInvalidGrant = l.onInvalidGrant;
        this.reloginHint = l.reloginHint;
        this.instrumentation = Collections.unmodifiableMap(new HashMap<>(l.instrumentation));
        this.warnings = Collections.unmodifiableList(new ArrayList<>(l.warnings));
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
        Loader loader = new Loader(systemProperties, environment);
        loader.load();
        return new Settings(loader);
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

    /** Nullable: null means standard error. */
    public Path logFile() {
        return logFile;
    }

    /** {@code keep} or {@code discard}. */
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

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }

    /** The candidate closest to {@code unknown} within edit distance 3, or null. */
    static String closest(String unknown, Collection<String> candidates) {
        String best = null;
        int bestDistance = 4;
        for (String candidate : candidates) {
            int d = distance(unknown, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return best;
    }

    // ---- loading ------------------------------------------------------------------------------------

    /** Where one key's value came from. */
    private static final class Source {
        final String key;
        final String value;
        /** e.g. "environment variable TOKENGUARD_HOSTS"; null for a system property (the key says it). */
        final String origin;

        Source(String key, String value, String origin) {
            this.key = key;
            this.value = value;
            this.origin = origin;
        }

        String note() {
            return origin == null ? "" : " (from " + origin + ")";
        }

        /** {@code tokenguard.K: "value" problem (from ...)}. */
        ConfigException error(String problem) {
            return new ConfigException(key, PREFIX + key + ": " + quote(value) + " " + problem + note());
        }

        ConfigException wrap(ConfigException e) {
            return new ConfigException(e.key(), e.getMessage() + note());
        }
    }

    private static final class Loader {
        private final Map<String, String> sys;
        private final Map<String, String> env;
        private final String home;
        private final List<String> warnings = new ArrayList<>();
        private Map<String, String> file = Collections.emptyMap();
        private String fileOrigin;

        Preset preset;
        boolean enabled;
        Path configFile;
        HostMatcher hosts;
        Path credentialsFile;
        String accessTokenPointer;
        String refreshTokenPointer;
        String expiresAtPointer;
        URI tokenUrl;
        String clientId;
        String clientSecret;
        String clientAuth;
        String tokenRequestFormat;
        String scope;
        String header;
        String headerPrefix;
        String inject;
        Duration refreshSkew;
        Duration refreshTimeout;
        long maxReplayBytes;
        String logFormat;
        String logLevel;
        Path logFile;
        String onInvalidGrant;
        String reloginHint;
        final Map<String, Boolean> instrumentation = new HashMap<>();

        Loader(Map<String, String> sys, Map<String, String> env) {
            this.sys = sys == null ? Collections.<String, String>emptyMap() : sys;
            this.env = env == null ? Collections.<String, String>emptyMap() : env;
            String h = this.sys.get("user.home");
            this.home = h != null ? h : System.getProperty("user.home");
        }

        void load() throws ConfigException {
            warnUnknownSystemProperties();
            warnUnknownEnvironment();
            loadConfigFile();
            loadPreset();

            enabled = bool("enabled", true);

            Source s = find("hosts");
            if (isEmpty(s)) {
                if (enabled) {
                    ConfigException e = hostsError();
                    throw s == null ? e : s.wrap(e);
                }
                hosts = HostMatcher.none();
            } else {
                try {
                    hosts = HostMatcher.parse(s.value);
                } catch (ConfigException e) {
                    throw s.wrap(e);
                }
            }

            s = find("credentials-file");
            if (isEmpty(s)) {
                if (enabled) {
                    throw new ConfigException("credentials-file", PREFIX + "credentials-file: not set; set "
                            + "tokenguard.credentials-file=/path/to/credentials.json or tokenguard.preset=claude-code");
                }
            } else {
                credentialsFile = path(s);
            }

            accessTokenPointer = pointer("credentials.access-token", "/access_token");
            refreshTokenPointer = pointer("credentials.refresh-token", "/refresh_token");
            expiresAtPointer = pointer("credentials.expires-at", "/expires_at");

            tokenUrl = tokenUrl();
            clientId = optional("client-id");
            clientSecret = clientSecret();
            clientAuth = clientAuth();

            tokenRequestFormat = choice("token-request-format", "form", "form", "json");
            scope = optional("scope");
            header = header();
            headerPrefix = headerPrefix();
            inject = choice("inject", "replace", "replace", "always");
            refreshSkew = duration("refresh-skew", Duration.ofSeconds(60));
            refreshTimeout = duration("refresh-timeout", Duration.ofSeconds(10));
            if (refreshTimeout.isZero()) {
                throw find("refresh-timeout").error("must be more than 0; use e.g. 10s");
            }
            maxReplayBytes = size("max-replay-bytes", 8L * 1024 * 1024);
            logFormat = choice("log.format", "text", "text", "json");
            logLevel = choice("log.level", "info", "trace", "debug", "info", "warn", "error");
            logFile = logFile();
            onInvalidGrant = choice("on-invalid-grant", "keep", "keep", "discard");
            reloginHint = relogin();
            for (String name : INSTRUMENTATIONS) {
                instrumentation.put(name, bool(instrumentationKey(name), true));
            }
        }

        private static ConfigException hostsError() {
            try {
                HostMatcher.parse("");
                throw new AssertionError();
            } catch (ConfigException e) {
                return e;
            }
        }

        // ---- sources ----

        /** The highest source for {@code key}, or null; values trimmed except header-prefix. */
        private Source find(String key) {
            String v = sys.get(PREFIX + key);
            if (v != null) {
                return source(key, v, null);
            }
            String name = envName(key);
            v = env.get(name);
            if (v != null) {
                return source(key, v, "environment variable " + name);
            }
            v = file.get(key);
            if (v != null) {
                return source(key, v, fileOrigin);
            }
            if (preset != null) {
                v = preset.value(key);
                if (v != null) {
                    return source(key, v, "preset " + preset.name());
                }
            }
            return null;
        }

        private static Source source(String key, String value, String origin) {
            return new Source(key, key.equals("header-prefix") ? value : value.trim(), origin);
        }

        private static boolean isEmpty(Source s) {
            return s == null || s.value.isEmpty();
        }

        private void loadConfigFile() throws ConfigException {
            String key = "config-file";
            String v = sys.get(PREFIX + key);
            String origin = null;
            if (v == null) {
                v = env.get(envName(key));
                origin = v == null ? null : "environment variable " + envName(key);
            }
            if (v == null || v.trim().isEmpty()) {
                return;
            }
            Source s = new Source(key, v.trim(), origin);
            Path p = path(s);
            Properties props = new Properties();
            try (Reader r = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
                props.load(r);
            } catch (IOException | IllegalArgumentException e) {
                throw s.error("cannot be read (" + describe(e) + "); point tokenguard.config-file at a readable "
                        + "properties file (UTF-8, key=value lines) or unset it");
            }
            configFile = p;
            fileOrigin = "config file " + p;
            Map<String, String> values = new HashMap<>();
            // plain keys first, so that they win over the same key written with the prefix
            for (String name : new TreeSet<>(props.stringPropertyNames())) {
                if (!name.startsWith(PREFIX)) {
                    fileKey(values, name, props.getProperty(name), p);
                }
            }
            for (String name : new TreeSet<>(props.stringPropertyNames())) {
                if (name.startsWith(PREFIX)) {
                    fileKey(values, name.substring(PREFIX.length()), props.getProperty(name), p);
                }
            }
            file = values;
        }

        private void fileKey(Map<String, String> values, String key, String value, Path p) {
            if (key.equals("config-file")) {
                warnings.add(key + " in config file " + p + " is ignored; config-file is read only from the "
                        + "system property tokenguard.config-file or TOKENGUARD_CONFIG_FILE");
            } else if (!KEY_SET.contains(key)) {
                warnings.add(unknown(key, "in config file " + p, "", KEYS));
            } else if (values.containsKey(key)) {
                warnings.add(key + " is set twice in config file " + p + " (with and without the tokenguard. "
                        + "prefix); using the value of " + key);
            } else {
                values.put(key, value);
            }
        }

        private void warnUnknownSystemProperties() {
            for (String name : new TreeSet<>(sys.keySet())) {
                if (name.startsWith(PREFIX) && !KEY_SET.contains(name.substring(PREFIX.length()))) {
                    warnings.add(unknown(name.substring(PREFIX.length()), "(system property)", PREFIX, KEYS));
                }
            }
        }

        private void warnUnknownEnvironment() {
            List<String> known = new ArrayList<>();
            for (String key : KEYS) {
                known.add(envName(key));
            }
            for (String name : new TreeSet<>(env.keySet())) {
                if (name.startsWith(ENV_PREFIX) && !known.contains(name)) {
                    warnings.add(unknown(name, "(environment variable)", "", known));
                }
            }
        }

        private static String unknown(String key, String where, String prefix, Collection<String> known) {
            String message = prefix + key + ": unknown setting " + where + ", ignored";
            String suggestion = closest(key, known);
            return suggestion == null ? message : message + "; did you mean " + prefix + suggestion + "?";
        }

        private void loadPreset() throws ConfigException {
            Source s = find("preset");
            if (isEmpty(s)) {
                preset = Preset.named(Preset.GENERIC);
                return;
            }
            preset = Preset.named(s.value.toLowerCase(Locale.ROOT));
            if (preset == null) {
                throw s.error("is not a known preset; use one of " + String.join(", ", Preset.names())
                        + ", or leave tokenguard.preset unset");
            }
        }

        // ---- typed values ----

        private String optional(String key) {
            Source s = find(key);
            return isEmpty(s) ? null : s.value;
        }

        private boolean bool(String key, boolean def) throws ConfigException {
            Source s = find(key);
            if (isEmpty(s)) {
                return def;
            }
            if (s.value.equalsIgnoreCase("true")) {
                return true;
            }
            if (s.value.equalsIgnoreCase("false")) {
                return false;
            }
            throw s.error("is not a boolean; use true or false");
        }

        private String choice(String key, String def, String... allowed) throws ConfigException {
            Source s = find(key);
            if (isEmpty(s)) {
                return def;
            }
            String v = s.value.toLowerCase(Locale.ROOT);
            for (String a : allowed) {
                if (a.equals(v)) {
                    return a;
                }
            }
            StringBuilder list = new StringBuilder();
            for (int i = 0; i < allowed.length; i++) {
                if (i > 0) {
                    list.append(i == allowed.length - 1 ? " or " : ", ");
                }
                list.append(allowed[i]);
            }
            throw s.error("is not valid; use " + list);
        }

        private Duration duration(String key, Duration def) throws ConfigException {
            Source s = find(key);
            if (isEmpty(s)) {
                return def;
            }
            try {
                return Durations.parse(key, s.value);
            } catch (ConfigException e) {
                throw s.wrap(e);
            }
        }

        /** Bytes: a plain number, or with B, KiB, MiB, GiB (also k, m, g, KB, MB, GB: all 1024-based, as in -Xmx). */
        private long size(String key, long def) throws ConfigException {
            Source s = find(key);
            if (isEmpty(s)) {
                return def;
            }
            String v = s.value;
            if (v.startsWith("-")) {
                throw s.error("is negative; use 0 or more bytes, e.g. 8388608 or 8MiB");
            }
            int i = 0;
            while (i < v.length() && v.charAt(i) >= '0' && v.charAt(i) <= '9') {
                i++;
            }
            String fix = "; use a number of bytes, e.g. 8388608, 512KiB or 8MiB";
            if (i == 0) {
                throw s.error("is not a size" + fix);
            }
            long multiplier;
            switch (v.substring(i).trim().toLowerCase(Locale.ROOT)) {
                case "":
                case "b":
                    multiplier = 1;
                    break;
                case "k":
                case "kb":
                case "kib":
                    multiplier = 1024;
                    break;
                case "m":
                case "mb":
                case "mib":
                    multiplier = 1024 * 1024;
                    break;
                case "g":
                case "gb":
                case "gib":
                    multiplier = 1024 * 1024 * 1024;
                    break;
                default:
                    throw s.error("is not a size" + fix);
            }
            try {
                return Math.multiplyExact(Long.parseLong(v.substring(0, i)), multiplier);
            } catch (ArithmeticException | NumberFormatException e) {
                throw s.error("is too large" + fix);
            }
        }

        private Path path(Source s) throws ConfigException {
            String v = s.value;
            try {
                if (v.equals("~")) {
                    return Paths.get(home);
                }
                if (v.startsWith("~/") || v.startsWith("~" + File.separator)) {
                    return Paths.get(home, v.substring(2));
                }
                return Paths.get(v);
            } catch (InvalidPathException e) {
                throw s.error("is not a valid path (" + e.getReason() + "); use a file path, e.g. "
                        + "/path/to/file or ~/file");
            }
        }

        private String pointer(String key, String def) throws ConfigException {
            Source s = find(key);
            if (isEmpty(s)) {
                return def;
            }
            String v = s.value;
            String fix = "; use a JSON pointer starting with /, e.g. " + def + " or /claudeAiOauth/accessToken "
                    + "(write ~0 for ~ and ~1 for / inside a name)";
            if (!v.startsWith("/")) {
                throw s.error("is not a JSON pointer" + fix);
            }
            for (int i = 0; i < v.length(); i++) {
                if (v.charAt(i) == '~' && (i + 1 == v.length() || (v.charAt(i + 1) != '0' && v.charAt(i + 1) != '1'))) {
                    throw s.error("has a ~ that is not ~0 or ~1" + fix);
                }
            }
            return v;
        }

        private URI tokenUrl() throws ConfigException {
            Source s = find("token-url");
            if (isEmpty(s)) {
                return null;
            }
            String example = "; use the token endpoint's https URL, e.g. https://auth.example.com/oauth/token";
            URI uri;
            try {
                uri = new URI(s.value);
            } catch (URISyntaxException e) {
                throw s.error("is not a URL (" + e.getReason() + ")" + example);
            }
            String scheme = uri.getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("https") || scheme.equalsIgnoreCase("http"))) {
                throw s.error("is not an http(s) URL" + example);
            }
            if (uri.getRawUserInfo() != null) {
                String redacted = s.value.replace(uri.getRawUserInfo() + "@", "***@");
                throw new Source(s.key, redacted, s.origin).error("contains user information; take it out of "
                        + "the URL and set tokenguard.client-id and tokenguard.client-secret instead");
            }
            String host = uri.getHost();
            if (host == null || host.isEmpty()) {
                throw s.error("has no host" + example);
            }
            if (scheme.equalsIgnoreCase("http") && !isLoopback(host)) {
                throw s.error("uses http to a host that is not loopback, so the refresh token would travel "
                        + "unencrypted; use https (http is allowed only to localhost, 127.0.0.0/8 or [::1])");
            }
            return uri;
        }

        private static boolean isLoopback(String host) {
            String h = host.toLowerCase(Locale.ROOT);
            if (h.endsWith(".")) {
                h = h.substring(0, h.length() - 1);
            }
            if (h.equals("localhost")) {
                return true;
            }
            long v4 = HostMatcher.ipv4(h, 0, h.length());
            if (v4 >= 0) {
                return (v4 >>> 24) == 127;
            }
            return HostMatcher.isV6Loopback(h);
        }

        private String clientSecret() throws ConfigException {
            Source secret = find("client-secret");
            Source file = find("client-secret-file");
            if (!isEmpty(secret) && !isEmpty(file)) {
                throw new ConfigException("client-secret", PREFIX + "client-secret and " + PREFIX
                        + "client-secret-file are both set" + secret.note()
                        + "; set only one (client-secret-file keeps the secret out of the command line)");
            }
            if (!isEmpty(secret)) {
                return secret.value;
            }
            if (isEmpty(file)) {
                return null;
            }
            Path p = path(file);
            String value;
            try {
                value = new String(Files.readAllBytes(p), StandardCharsets.UTF_8).trim();
            } catch (IOException e) {
                throw file.error("cannot be read (" + describe(e) + "); point tokenguard.client-secret-file at a "
                        + "readable file that holds only the client secret");
            }
            if (value.isEmpty()) {
                throw file.error("is empty; put the client secret in it, or unset tokenguard.client-secret-file "
                        + "for a public client");
            }
            return value;
        }

        private String clientAuth() throws ConfigException {
            String def = clientSecret != null ? "basic" : "none";
            String auth = choice("client-auth", def, "none", "basic", "post");
            if (!auth.equals("none") && clientSecret == null) {
                throw find("client-auth").error("needs a client secret; set tokenguard.client-secret or "
                        + "tokenguard.client-secret-file, or use client-auth=none for a public client");
            }
            if (!auth.equals("none") && clientId == null) {
                throw new ConfigException("client-id", PREFIX + "client-id: not set, but client-auth=" + auth
                        + " sends it with the secret; set tokenguard.client-id");
            }
            if (auth.equals("none") && clientSecret != null) {
                warnings.add(PREFIX + "client-auth is none, so the configured client secret is not sent; "
                        + "use client-auth=basic or post to send it");
            }
            return auth;
        }

        private String header() throws ConfigException {
            Source s = find("header");
            if (isEmpty(s)) {
                return "Authorization";
            }
            for (int i = 0; i < s.value.length(); i++) {
                char c = s.value.charAt(i);
                boolean tchar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                        || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
                if (!tchar) {
                    throw s.error("is not a valid header name (no spaces, colons or control characters); "
                            + "use e.g. Authorization or X-Api-Key");
                }
            }
            return s.value;
        }

        private String headerPrefix() throws ConfigException {
            Source s = find("header-prefix");
            if (s == null) {
                return "Bearer ";
            }
            for (int i = 0; i < s.value.length(); i++) {
                char c = s.value.charAt(i);
                if ((c < 0x20 && c != '\t') || c == 0x7f) {
                    throw s.error("contains a line break or control character; use printable text, "
                            + "e.g. \"Bearer \" (with the trailing space) or nothing");
                }
            }
            return s.value;
        }

        private Path logFile() throws ConfigException {
            Source s = find("log.file");
            if (isEmpty(s) || s.value.equalsIgnoreCase("stderr")) {
                return null;
            }
            return path(s);
        }

        private String relogin() {
            Source s = find("relogin-hint");
            return isEmpty(s) ? DEFAULT_RELOGIN_HINT : s.value;
        }

        private static String describe(Exception e) {
            if (e instanceof NoSuchFileException) {
                return "no such file";
            }
            if (e instanceof AccessDeniedException) {
                return "permission denied";
            }
            if (e instanceof IOException && e.getMessage() != null && e.getMessage().contains("directory")) {
                return e.getMessage();
            }
            return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
    }
}
