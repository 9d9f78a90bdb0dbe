package io.tokenguard.config;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A named set of defaults for one client's credential layout and token endpoint. Every key set explicitly
 * (system property, environment, config file) overrides the preset.
 */
public final class Preset {
    public static final String GENERIC = "generic";
    public static final String CLAUDE_CODE = "claude-code";

    private static final List<String> NAMES = Collections.unmodifiableList(Arrays.asList(GENERIC, CLAUDE_CODE));

    private final String name;
    private final Map<String, String> values;
    private final boolean expiresAtMillis;

    private Preset(String name, Map<String, String> values, boolean expiresAtMillis) {
        this.name = name;
        this.values = Collections.unmodifiableMap(values);
        this.expiresAtMillis = expiresAtMillis;
    }

    /** The preset called {@code name} (exact, lower case), or null if there is none. */
    public static Preset named(String name) {
        if (GENERIC.equals(name)) {
            return new Preset(GENERIC, new HashMap<>(), false);
        }
        if (CLAUDE_CODE.equals(name)) {
            Map<String, String> v = new HashMap<>();
            v.put("hosts", "api.anthropic.com");
            v.put("credentials-file", "~/.claude/.credentials.json");
            v.put("credentials.access-token", "/claudeAiOauth/accessToken");
            v.put("credentials.refresh-token", "/claudeAiOauth/refreshToken");
            v.put("credentials.expires-at", "/claudeAiOauth/expiresAt");
            // The lock directories Claude Code takes (proper-lockfile, 60 s stale, 5 s heartbeat) around its
            // own refresh; taking them too keeps tokenguard and Claude Code from refreshing at once.
            v.put("credentials.lock-dirs", "{dir}/.oauth_refresh.lock,{dir}.lock");
            v.put("token-url", "https://platform.claude.com/v1/oauth/token");
            v.put("token-request-format", "json");
            // Claude Code's public OAuth client id (a public client: no secret)
            v.put("client-id", "9d1c250a-e61b-44d9-88ed-5944d1962f5e");
            return new Preset(CLAUDE_CODE, v, true);
        }
        return null;
    }

    /** The known preset names. */
    public static List<String> names() {
        return NAMES;
    }

    public String name() {
        return name;
    }

    /** The preset's value for {@code key} (without {@code tokenguard.}), or null. */
    public String value(String key) {
        return values.get(key);
    }

    /** Whether the credential store keeps expiry as epoch milliseconds (when the file does not show it). */
    public boolean expiresAtMillis() {
        return expiresAtMillis;
    }
}
