package io.tokenguard.config;

import static io.tokenguard.config.Settings.ENV_PREFIX;
import static io.tokenguard.config.Settings.KEYS;
import static io.tokenguard.config.Settings.PREFIX;
import static io.tokenguard.config.Settings.envName;
import static io.tokenguard.config.Settings.quote;

import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
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
 * Where each key's raw value comes from, highest first: the system property {@code tokenguard.K}, the
 * environment variable {@code TOKENGUARD_K}, the config file, the preset. Reads the config file, picks the
 * preset, and collects the warnings (unknown keys with a "did you mean" suggestion, ignored file entries).
 */
final class ConfigSources {
    private static final Set<String> KEY_SET = Collections.unmodifiableSet(new LinkedHashSet<>(KEYS));

    /** Where one key's value came from. */
    static final class Source {
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

    private final Map<String, String> sys;
    private final Map<String, String> env;
    private final String home;
    private final List<String> warnings = new ArrayList<>();
    private Map<String, String> file = Collections.emptyMap();
    private String fileOrigin;
    private Path configFile;
    private Preset preset;

    ConfigSources(Map<String, String> sys, Map<String, String> env) {
        this.sys = sys == null ? Collections.<String, String>emptyMap() : sys;
        this.env = env == null ? Collections.<String, String>emptyMap() : env;
        String h = this.sys.get("user.home");
        this.home = h != null ? h : System.getProperty("user.home");
    }

    /** Warns about unknown keys, reads the config file and picks the preset, in that order. */
    void load() throws ConfigException {
        warnUnknownSystemProperties();
        warnUnknownEnvironment();
        loadConfigFile();
        loadPreset();
    }

    /** The chosen preset ({@code generic} when none); set by {@link #load()}. */
    Preset preset() {
        return preset;
    }

    /** The config file read, or null. */
    Path configFile() {
        return configFile;
    }

    /** The user's cache folder: {@code $XDG_CACHE_HOME}, else {@code ~/.cache}. */
    Path userCache() {
        String xdg = env.get("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isEmpty() && xdg.indexOf('\0') < 0 && Paths.get(xdg).isAbsolute()) {
            return Paths.get(xdg);
        }
        return Paths.get(home, ".cache");
    }

    /** The warnings so far; callers may add their own. */
    List<String> warnings() {
        return warnings;
    }

    /** The highest source for {@code key}, or null; values trimmed except header-prefix. */
    Source find(String key) {
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

    static boolean isEmpty(Source s) {
        return s == null || s.value.isEmpty();
    }

    /** {@code s}'s value as a path, with a leading {@code ~} expanded to the user's home. */
    Path path(Source s) throws ConfigException {
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

    /** A short reason for a failed read, for a message. */
    static String describe(Exception e) {
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

    // ---- did you mean ----

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
}
