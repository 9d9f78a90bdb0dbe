package io.tokenguard.config;

import static io.tokenguard.config.ConfigSources.describe;
import static io.tokenguard.config.ConfigSources.isEmpty;
import static io.tokenguard.config.Settings.DEFAULT_RELOGIN_HINT;
import static io.tokenguard.config.Settings.PREFIX;

import io.tokenguard.config.ConfigSources.Source;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Typed, validated values: each method looks its key up in the {@link ConfigSources}, returns the default
 * when the value is missing or empty, and throws a {@link ConfigException} naming the key, the value, its
 * source and the fix when the value is unusable.
 */
final class Values {
    private final ConfigSources sources;

    Values(ConfigSources sources) {
        this.sources = sources;
    }

    String optional(String key) {
        Source s = sources.find(key);
        return isEmpty(s) ? null : s.value;
    }

    boolean bool(String key, boolean def) throws ConfigException {
        Source s = sources.find(key);
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

    String choice(String key, String def, String... allowed) throws ConfigException {
        Source s = sources.find(key);
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

    Duration duration(String key, Duration def) throws ConfigException {
        Source s = sources.find(key);
        if (isEmpty(s)) {
            return def;
        }
        try {
            return Durations.parse(key, s.value);
        } catch (ConfigException e) {
            throw s.wrap(e);
        }
    }

    /** {@code refresh-timeout}: a duration of more than 0. */
    Duration refreshTimeout() throws ConfigException {
        Duration timeout = duration("refresh-timeout", Duration.ofSeconds(10));
        if (timeout.isZero()) {
            throw sources.find("refresh-timeout").error("must be more than 0; use e.g. 10s");
        }
        return timeout;
    }

    /** Bytes: a plain number, or with B, KiB, MiB, GiB (also k, m, g, KB, MB, GB: all 1024-based, as in -Xmx). */
    long size(String key, long def) throws ConfigException {
        Source s = sources.find(key);
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

    String pointer(String key, String def) throws ConfigException {
        Source s = sources.find(key);
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

    /** {@code hosts}: required when enabled; {@link HostMatcher#none()} when disabled without hosts. */
    HostMatcher hosts(boolean enabled) throws ConfigException {
        Source s = sources.find("hosts");
        if (isEmpty(s)) {
            if (enabled) {
                ConfigException e = hostsError();
                throw s == null ? e : s.wrap(e);
            }
            return HostMatcher.none();
        }
        try {
            return HostMatcher.parse(s.value);
        } catch (ConfigException e) {
            throw s.wrap(e);
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

    /** {@code credentials-file}: required when enabled; null when disabled without one. */
    Path credentialsFile(boolean enabled) throws ConfigException {
        Source s = sources.find("credentials-file");
        if (isEmpty(s)) {
            if (enabled) {
                throw new ConfigException("credentials-file", PREFIX + "credentials-file: not set; set "
                        + "tokenguard.credentials-file=/path/to/credentials.json or tokenguard.preset=claude-code");
            }
            return null;
        }
        return sources.path(s);
    }

    /**
     * The {@code proper-lockfile} directories to take beside the OS lock: a comma list of paths where
     * {@code {dir}} is the credentials file's folder (its real path when it exists); empty or {@code none}
     * for none.
     */
    List<Path> lockDirs(Path credentialsFile) throws ConfigException {
        Source s = sources.find("credentials.lock-dirs");
        if (isEmpty(s) || s.value.equals("none") || credentialsFile == null) {
            return List.of();
        }
        Path folder = credentialsFile.toAbsolutePath().normalize().getParent();
        try {
            folder = folder.toRealPath();
        } catch (IOException | RuntimeException e) {
            // not there yet: the path as configured
        }
        List<Path> dirs = new ArrayList<>();
        for (String entry : s.value.split(",")) {
            String path = entry.trim().replace("{dir}", folder.toString());
            if (path.isEmpty()) {
                continue;
            }
            Path dir = sources.path(new Source(s.key, path, s.origin));
            if (!dir.isAbsolute()) {
                throw s.error("needs absolute paths ({dir} is the credentials file's folder), e.g. "
                        + "{dir}/.oauth_refresh.lock");
            }
            dirs.add(dir.normalize());
        }
        return List.copyOf(dirs);
    }

    URI tokenUrl() throws ConfigException {
        Source s = sources.find("token-url");
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

    /** {@code client-secret} or the contents of {@code client-secret-file} (not both), or null. */
    String clientSecret() throws ConfigException {
        Source secret = sources.find("client-secret");
        Source file = sources.find("client-secret-file");
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
        Path p = sources.path(file);
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

    /** {@code client-auth}, checked against the client id and secret already read (both nullable). */
    String clientAuth(String clientId, String clientSecret) throws ConfigException {
        String def = clientSecret != null ? "basic" : "none";
        String auth = choice("client-auth", def, "none", "basic", "post");
        if (!auth.equals("none") && clientSecret == null) {
            throw sources.find("client-auth").error("needs a client secret; set tokenguard.client-secret or "
                    + "tokenguard.client-secret-file, or use client-auth=none for a public client");
        }
        if (!auth.equals("none") && clientId == null) {
            throw new ConfigException("client-id", PREFIX + "client-id: not set, but client-auth=" + auth
                    + " sends it with the secret; set tokenguard.client-id");
        }
        if (auth.equals("none") && clientSecret != null) {
            sources.warnings().add(PREFIX + "client-auth is none, so the configured client secret is not sent; "
                    + "use client-auth=basic or post to send it");
        }
        return auth;
    }

    String header() throws ConfigException {
        Source s = sources.find("header");
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

    /** {@code header-prefix}: untrimmed; an empty value means no prefix. */
    String headerPrefix() throws ConfigException {
        Source s = sources.find("header-prefix");
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

    /** {@code log.file}, or null for standard error. */
    Path logFile() throws ConfigException {
        Source s = sources.find("log.file");
        if (isEmpty(s) || s.value.equalsIgnoreCase("stderr")) {
            return null;
        }
        return sources.path(s);
    }

    /** {@code cache-dir}, or null for {@code none}. */
    Path cacheDir() throws ConfigException {
        Source s = sources.find("cache-dir");
        if (isEmpty(s)) {
            return sources.userCache().resolve("tokenguard");
        }
        if (s.value.equalsIgnoreCase("none")) {
            return null;
        }
        return sources.path(s);
    }

    String reloginHint() {
        Source s = sources.find("relogin-hint");
        return isEmpty(s) ? DEFAULT_RELOGIN_HINT : s.value;
    }
}
