package io.tokenguard.config;

/**
 * A configuration value that cannot be used. The message names the key (as {@code tokenguard.KEY}), the bad
 * value (never for a secret) and how to fix it; it is meant to be shown to the user as it is.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String key;

    public ConfigException(String key, String message) {
        super(message);
        this.key = key;
    }

    /** The key without the {@code tokenguard.} prefix, e.g. {@code refresh-skew}. */
    public String key() {
        return key;
    }
}
