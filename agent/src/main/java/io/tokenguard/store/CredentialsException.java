package io.tokenguard.store;

import java.nio.file.Path;

/**
 * The credentials file cannot give a usable token. The message is safe to log: it names the file, the
 * JSON pointer and what is wrong, never a value from the file.
 */
public final class CredentialsException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What is wrong, for callers that react differently (e.g. wait for a login when the file is missing). */
    public enum Reason {
        MISSING_FILE,
        UNREADABLE,
        TOO_LARGE,
        INVALID_JSON,
        INVALID_VALUE
    }

    private final transient Path file;
    private final Reason reason;

    /** @param problem what is wrong, e.g. "/claudeAiOauth/accessToken is missing"; must hold no value from the file */
    public CredentialsException(Path file, Reason reason, String problem) {
        super("credentials file " + file + ": " + problem);
        this.file = file;
        this.reason = reason;
    }

    public Path file() {
        return file;
    }

    public Reason reason() {
        return reason;
    }

    /**
     * The reason as the {@code error} field of {@code credentials.invalid}: {@code missing_file}, {@code unreadable},
     * {@code too_large}, {@code invalid_json} or {@code invalid_value}, for alerts that tell "not logged in yet"
     * from a broken file.
     */
    public String code() {
        return reason.name().toLowerCase(java.util.Locale.ROOT);
    }
}
