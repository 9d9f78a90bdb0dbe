package io.tokenguard.store;

import com.fasterxml.jackson.core.JsonPointer;
import io.tokenguard.store.CredentialsException.Reason;
import io.tokenguard.store.PointerScanner.Scalar;
import io.tokenguard.token.Token;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * A JSON credentials file shared with other processes (and with the tool that logs in). Reads the token
 * through JSON pointers; writes a refreshed token back atomically, touching nothing but the three
 * fields it owns, and never over credentials that someone else wrote in the meantime.
 *
 * <p>Reading is one pass over the file ({@link PointerScanner}); writing goes through a Jackson tree
 * ({@link JsonTree}) so that every field it does not own is kept, and replaces the file atomically
 * ({@link AtomicFile}).
 *
 * <p>Cross-process locking is the caller's job; {@link #write} re-checks the file just before writing.
 */
public final class CredentialStore {
    public enum WriteResult {
        WRITTEN,
        /** The file holds an access token that is neither ours nor the one we refreshed; left untouched. */
        CONFLICT
    }

    private static final int READ_ATTEMPTS = 3;

    private final Path file;
    private final JsonPointer accessPointer;
    private final JsonPointer refreshPointer;
    private final JsonPointer expiresAtPointer;
    private final ExpiryFormat formatWhenAbsent;
    private final Clock clock;

    /**
     * @param accessPointer RFC 6901 pointers such as {@code /access_token} or {@code /claudeAiOauth/accessToken}
     * @param formatWhenAbsent how to write the expiry when the file has none yet
     */
    public CredentialStore(Path file, String accessPointer, String refreshPointer, String expiresAtPointer,
            ExpiryFormat formatWhenAbsent, Clock clock) {
        this.file = Objects.requireNonNull(file, "file");
        this.accessPointer = pointer(accessPointer);
        this.refreshPointer = pointer(refreshPointer);
        this.expiresAtPointer = pointer(expiresAtPointer);
        this.formatWhenAbsent = Objects.requireNonNull(formatWhenAbsent, "formatWhenAbsent");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    private static JsonPointer pointer(String expression) {
        JsonPointer pointer = JsonPointer.compile(Objects.requireNonNull(expression, "pointer"));
        if (pointer.matches()) {
            throw new IllegalArgumentException("JSON pointer must name a field, not the whole document");
        }
        return pointer;
    }

    public Path file() {
        return file;
    }

    /** Cheap change detection: one stat, no read. */
    public FileStamp stamp() {
        return FileStamp.of(file);
    }

    /**
     * Reads the token. A file that changes while it is read (a login tool rewriting it in place, say) is read
     * again, so that a half-written version is not reported as broken; after {@value #READ_ATTEMPTS} reads
     * the last outcome stands.
     *
     * @throws CredentialsException naming the file, the JSON pointer and what is wrong, never a value
     */
    public StoredCredentials read() throws CredentialsException {
        for (int attempt = 1; ; attempt++) {
            FileStamp before = FileStamp.of(file);
            try {
                StoredCredentials read = readOnce(before);
                if (attempt == READ_ATTEMPTS || before.equals(FileStamp.of(file))) {
                    return read;
                }
            } catch (CredentialsException e) {
                if (attempt == READ_ATTEMPTS || before.equals(FileStamp.of(file))) {
                    throw e;
                }
            }
        }
    }

    private StoredCredentials readOnce(FileStamp stamp) throws CredentialsException {
        Map<JsonPointer, Scalar> values;
        try {
            values = PointerScanner.scan(AtomicFile.readBounded(file),
                    Arrays.asList(accessPointer, refreshPointer, expiresAtPointer));
        } catch (PointerScanner.NotAnObject e) {
            throw new CredentialsException(file, Reason.INVALID_JSON, e.getMessage());
        } catch (PointerScanner.Malformed e) {
            throw new CredentialsException(file, Reason.INVALID_JSON, "is not valid JSON " + e.getMessage());
        } catch (IOException e) {
            throw unreadable(e);
        }
        String accessToken = accessToken(values.get(accessPointer));
        String refreshToken = optionalString(values.get(refreshPointer), refreshPointer);
        Instant expiresAt;
        try {
            ExpiryFormat.Stored stored = ExpiryFormat.read(values.get(expiresAtPointer));
            expiresAt = stored == null ? null : stored.instant;
        } catch (IllegalArgumentException e) {
            throw invalid(expiresAtPointer, e.getMessage());
        }
        return new StoredCredentials(new Token(accessToken, refreshToken, expiresAt, clock.instant()), stamp);
    }

    private String accessToken(Scalar value) throws CredentialsException {
        if (value.kind == Scalar.Kind.MISSING || value.kind == Scalar.Kind.NULL) {
            throw invalid(accessPointer, "is missing");
        }
        if (value.kind != Scalar.Kind.STRING) {
            throw invalid(accessPointer, "is not a string");
        }
        if (value.text.trim().isEmpty()) {
            throw invalid(accessPointer, "is empty");
        }
        // The token goes into an HTTP header, where a line break would inject headers of its own.
        for (int i = 0; i < value.text.length(); i++) {
            char c = value.text.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw invalid(accessPointer, "contains control characters");
            }
        }
        return value.text;
    }

    private String optionalString(Scalar value, JsonPointer pointer) throws CredentialsException {
        if (value.kind == Scalar.Kind.MISSING || value.kind == Scalar.Kind.NULL) {
            return null;
        }
        if (value.kind != Scalar.Kind.STRING) {
            throw invalid(pointer, "is not a string");
        }
        return value.text.isEmpty() ? null : value.text;
    }

    /** Names the setting that holds the pointer: a pointer that finds nothing is most often a layout mix-up. */
    private CredentialsException invalid(JsonPointer pointer, String problem) {
        String key = pointer == accessPointer ? "access-token" : pointer == refreshPointer ? "refresh-token" : "expires-at";
        return new CredentialsException(file, Reason.INVALID_VALUE, pointer + " " + problem
                + " (check tokenguard.credentials." + key + " against the file's layout)");
    }

    private CredentialsException unreadable(IOException e) {
        if (e instanceof NoSuchFileException) {
            return new CredentialsException(file, Reason.MISSING_FILE, "does not exist (log in to create it, or "
                    + "point tokenguard.credentials-file at the right file)");
        }
        if (e instanceof AtomicFile.TooLargeException) {
            return new CredentialsException(file, Reason.TOO_LARGE, e.getMessage());
        }
        if (e instanceof AccessDeniedException) {
            return new CredentialsException(file, Reason.UNREADABLE, "is not readable: permission denied (the user "
                    + "running the program must be able to read and write it)");
        }
        String reason = e instanceof FileSystemException ? ((FileSystemException) e).getReason() : null;
        return new CredentialsException(file, Reason.UNREADABLE,
                "is not readable: " + (reason != null ? reason : e.getClass().getSimpleName()));
    }


    /**
     * Writes {@code fresh} into the file unless it now holds an access token that is neither
     * {@code basis} (what we refreshed) nor {@code fresh}: then another process or a new login wrote
     * newer credentials, and they win.
     *
     * @param basis the token that was refreshed; null when there was none
     * @throws IOException when the file cannot be parsed (it is left as it is) or written
     */
    public WriteResult write(Token fresh, Token basis) throws IOException {
        Objects.requireNonNull(fresh, "fresh");
        Path target = AtomicFile.resolveLinks(file);
        byte[] original;
        try {
            original = AtomicFile.readBounded(target);
        } catch (NoSuchFileException e) {
            original = null;
        }
        byte[] updated = JsonTree.withToken(file, original, accessPointer, refreshPointer, expiresAtPointer,
                formatWhenAbsent, fresh, basis);
        if (updated == null) {
            return WriteResult.CONFLICT;
        }
        if (original != null && Arrays.equals(updated, original)) {
            return WriteResult.WRITTEN; // already there: a rewrite would only make other processes re-read
        }
        AtomicFile.replace(target, updated, original != null);
        return WriteResult.WRITTEN;
    }

    /**
     * {@code on-invalid-grant=discard}: copies the file to a backup beside it (mode 0600), then removes the
     * dead token fields from the file, keeping every other field, so that the next interactive login starts
     * a clean grant. Nothing is done when the file no longer holds {@code deadRefreshToken}.
     *
     * @return the backup, or null when the file had moved on
     */
    public Path discard(String deadRefreshToken) throws IOException {
        Path target = AtomicFile.resolveLinks(file);
        byte[] original = AtomicFile.readBounded(target);
        byte[] updated = JsonTree.withoutToken(file, original, accessPointer, refreshPointer, expiresAtPointer,
                deadRefreshToken);
        if (updated == null) {
            return null;
        }
        String stamp = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                .withZone(java.time.ZoneOffset.UTC).format(clock.instant());
        Path backup = target.resolveSibling(target.getFileName() + ".invalid-" + stamp + ".bak");
        AtomicFile.replace(backup, original, false); // a new file: created 0600
        AtomicFile.replace(target, updated, true);
        return backup;
    }

}
