package io.tokenguard.store;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.tokenguard.store.CredentialsException.Reason;
import io.tokenguard.token.Token;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A JSON credentials file shared with other processes (and with the tool that logs in). Reads the token
 * through JSON pointers; writes a refreshed token back atomically, touching nothing but the three
 * fields it owns, and never over credentials that someone else wrote in the meantime.
 *
 * <p>Cross-process locking is the caller's job; {@link #write} re-checks the file just before writing.
 */
public final class CredentialStore {
    /** A credentials file is a few hundred bytes; anything this large is not one. */
    static final int MAX_BYTES = 1 << 20;

    private static final Set<PosixFilePermission> NEW_FILE_PERMISSIONS = PosixFilePermissions.fromString("rw-------");

    // Floats as BigDecimal with their trailing zeros, so that numbers we do not own are written back as read.
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
            .build();

    public enum WriteResult {
        WRITTEN,
        /** The file holds an access token that is neither ours nor the one we refreshed; left untouched. */
        CONFLICT
    }

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

    public StoredCredentials read() throws CredentialsException {
        FileStamp stamp = FileStamp.of(file);
        JsonNode root;
        try {
            root = JSON.readTree(readBounded(file));
        } catch (JsonProcessingException e) {
            // Jackson's own message can quote the offending text, which may be a token: report the place only.
            throw new CredentialsException(file, Reason.INVALID_JSON, "is not valid JSON" + where(e));
        } catch (IOException e) {
            throw unreadable(e);
        }
        if (root == null || root.isMissingNode()) {
            throw new CredentialsException(file, Reason.INVALID_JSON, "is empty");
        }
        if (!root.isObject()) {
            throw new CredentialsException(file, Reason.INVALID_JSON, "does not hold a JSON object");
        }
        String accessToken = accessToken(root);
        String refreshToken = optionalString(root, refreshPointer);
        Instant expiresAt;
        try {
            ExpiryFormat.Stored stored = ExpiryFormat.read(root.at(expiresAtPointer));
            expiresAt = stored == null ? null : stored.instant;
        } catch (IllegalArgumentException e) {
            throw invalid(expiresAtPointer, e.getMessage());
        }
        return new StoredCredentials(new Token(accessToken, refreshToken, expiresAt, clock.instant()), stamp);
    }

    private String accessToken(JsonNode root) throws CredentialsException {
        JsonNode node = root.at(accessPointer);
        if (node.isMissingNode() || node.isNull()) {
            throw invalid(accessPointer, "is missing");
        }
        if (!node.isTextual()) {
            throw invalid(accessPointer, "is not a string");
        }
        String value = node.textValue();
        if (value.trim().isEmpty()) {
            throw invalid(accessPointer, "is empty");
        }
        // The token goes into an HTTP header, where a line break would inject headers of its own.
        if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw invalid(accessPointer, "contains control characters");
        }
        return value;
    }

    private String optionalString(JsonNode root, JsonPointer pointer) throws CredentialsException {
        JsonNode node = root.at(pointer);
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw invalid(pointer, "is not a string");
        }
        return node.textValue().isEmpty() ? null : node.textValue();
    }

    private CredentialsException invalid(JsonPointer pointer, String problem) {
        return new CredentialsException(file, Reason.INVALID_VALUE, pointer + " " + problem);
    }

    private CredentialsException unreadable(IOException e) {
        if (e instanceof NoSuchFileException) {
            return new CredentialsException(file, Reason.MISSING_FILE, "does not exist");
        }
        if (e instanceof TooLargeException) {
            return new CredentialsException(file, Reason.TOO_LARGE, e.getMessage());
        }
        if (e instanceof AccessDeniedException) {
            return new CredentialsException(file, Reason.UNREADABLE, "is not readable: permission denied");
        }
        String reason = e instanceof FileSystemException ? ((FileSystemException) e).getReason() : null;
        return new CredentialsException(file, Reason.UNREADABLE,
                "is not readable: " + (reason != null ? reason : e.getClass().getSimpleName()));
    }

    private static String where(JsonProcessingException e) {
        return e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
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
        Path target = resolveLinks(file);
        byte[] original;
        try {
            original = readBounded(target);
        } catch (NoSuchFileException e) {
            original = null;
        }
        String text = original == null ? "" : new String(original, StandardCharsets.UTF_8);
        ObjectNode root = original == null ? JSON.createObjectNode() : parseForWrite(original);

        JsonNode current = root.at(accessPointer);
        if (current.isTextual() && !current.textValue().isEmpty()
                && !current.textValue().equals(fresh.accessToken())
                && (basis == null || !current.textValue().equals(basis.accessToken()))) {
            return WriteResult.CONFLICT;
        }

        ExpiryFormat.Stored oldExpiry;
        try {
            oldExpiry = ExpiryFormat.read(root.at(expiresAtPointer));
        } catch (IllegalArgumentException e) {
            oldExpiry = null; // unreadable before; replaced with a valid value in the default format
        }
        set(root, accessPointer, TextNode.valueOf(fresh.accessToken()));
        if (fresh.refreshToken() != null) {
            set(root, refreshPointer, TextNode.valueOf(fresh.refreshToken()));
        }
        if (fresh.expiresAt() != null) {
            ExpiryFormat format = oldExpiry == null ? formatWhenAbsent : oldExpiry.format;
            JsonNode value = format.encode(fresh.expiresAt(), oldExpiry != null && oldExpiry.quoted);
            if (value != null) {
                set(root, expiresAtPointer, value);
            }
        }

        byte[] updated = render(root, text);
        if (original != null && Arrays.equals(updated, original)) {
            return WriteResult.WRITTEN; // already there: a rewrite would only make other processes re-read
        }
        replace(target, updated, original != null);
        return WriteResult.WRITTEN;
    }

    private ObjectNode parseForWrite(byte[] content) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(content);
        } catch (JsonProcessingException e) {
            // No cause attached: Jackson's message may quote a token.
            throw new IOException("credentials file " + file + " is not valid JSON" + where(e) + "; left unchanged");
        }
        if (root instanceof ObjectNode) {
            return (ObjectNode) root;
        }
        if (root == null || root.isMissingNode()) {
            return JSON.createObjectNode(); // an empty file holds nothing to keep
        }
        throw new IOException("credentials file " + file + " does not hold a JSON object; left unchanged");
    }

    /** Sets the value at {@code pointer}, in place (field order kept), creating missing objects on the way. */
    private void set(ObjectNode root, JsonPointer pointer, JsonNode value) throws IOException {
        ObjectNode object = root;
        for (JsonPointer at = pointer; !at.tail().matches(); at = at.tail()) {
            JsonNode child = object.get(at.getMatchingProperty());
            if (child == null || child.isNull()) {
                child = object.putObject(at.getMatchingProperty());
            }
            if (!child.isObject()) {
                throw new IOException("credentials file " + file + ": cannot write " + pointer
                        + ", a value on its path is not an object; left unchanged");
            }
            object = (ObjectNode) child;
        }
        object.set(pointer.last().getMatchingProperty(), value);
    }

    /** Compact stays compact; a multi-line file is pretty-printed with two-space indentation. */
    private static byte[] render(JsonNode root, String original) throws IOException {
        String eol = original.contains("\r\n") ? "\r\n" : "\n";
        String json = original.trim().indexOf('\n') >= 0
                ? JSON.writer(new TwoSpacePrinter(eol)).writeValueAsString(root)
                : JSON.writeValueAsString(root);
        if (original.endsWith("\n")) {
            json += eol;
        }
        return json.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Temp file beside the target, same permissions, flushed to disk, then renamed over the target: a
     * reader sees the old file or the new one, never a torn one, even if we crash or the disk fills.
     */
    private static void replace(Path target, byte[] content, boolean exists) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path temp = dir.resolve("." + target.getFileName() + "." + ProcessHandle.current().pid() + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        boolean posix = isPosix(dir);
        PosixFileAttributes original = posix && exists ? Files.readAttributes(target, PosixFileAttributes.class) : null;
        Set<PosixFilePermission> permissions = original != null ? original.permissions() : NEW_FILE_PERMISSIONS;
        if (posix) {
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(permissions));
        } else {
            Files.createFile(temp);
        }
        boolean moved = false;
        try {
            if (posix) {
                Files.setPosixFilePermissions(temp, permissions); // creation was narrowed by the umask
                keepOwnership(temp, original);
            }
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
        } finally {
            if (!moved) {
                deleteQuietly(temp);
            }
        }
        syncDirectory(dir);
    }

    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            // the failure that got us here is the one worth reporting
        }
    }

    private static boolean isPosix(Path dir) {
        try {
            return Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class);
        } catch (IOException e) {
            return false;
        }
    }

    /** A process running as another user (e.g. root) must not take the user's file away from them. */
    private static void keepOwnership(Path temp, PosixFileAttributes original) {
        if (original == null) {
            return;
        }
        try {
            PosixFileAttributeView view = Files.getFileAttributeView(temp, PosixFileAttributeView.class);
            PosixFileAttributes now = view.readAttributes();
            if (!now.group().equals(original.group())) {
                view.setGroup(original.group());
            }
            if (!now.owner().equals(original.owner())) {
                view.setOwner(original.owner());
            }
        } catch (IOException e) {
            // best effort: only privileged processes may give files away
        }
    }

    /** Makes the rename itself durable. Not every platform can open a directory; then the rename must do. */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            // best effort
        }
    }

    /** The file a symbolic link finally points at, so that writing replaces the target and keeps the link. */
    static Path resolveLinks(Path file) throws IOException {
        Path path = file.toAbsolutePath();
        for (int hops = 0; Files.isSymbolicLink(path); hops++) {
            if (hops == 40) {
                throw new FileSystemException(file.toString(), null, "too many levels of symbolic links");
            }
            path = path.getParent().resolve(Files.readSymbolicLink(path));
        }
        return path;
    }

    private static byte[] readBounded(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            byte[] content = in.readNBytes(MAX_BYTES + 1);
            if (content.length > MAX_BYTES) {
                throw new TooLargeException();
            }
            return content;
        }
    }

    private static final class TooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        TooLargeException() {
            super("is larger than 1 MiB");
        }
    }

    /** Like JavaScript's {@code JSON.stringify(value, null, 2)}: {@code "key": value}, empty {@code {}} and {@code []}. */
    private static final class TwoSpacePrinter extends DefaultPrettyPrinter {
        private static final long serialVersionUID = 1L;
        private final String eol;

        TwoSpacePrinter(String eol) {
            super(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER));
            this.eol = eol;
            DefaultIndenter indenter = new DefaultIndenter("  ", eol);
            indentObjectsWith(indenter);
            indentArraysWith(indenter);
        }

        @Override
        public DefaultPrettyPrinter createInstance() {
            return new TwoSpacePrinter(eol);
        }

        @Override
        public void writeEndObject(JsonGenerator g, int entries) throws IOException {
            if (entries == 0) {
                _nesting--;
                g.writeRaw('}');
            } else {
                super.writeEndObject(g, entries);
            }
        }

        @Override
        public void writeEndArray(JsonGenerator g, int values) throws IOException {
            if (values == 0) {
                _nesting--;
                g.writeRaw(']');
            } else {
                super.writeEndArray(g, values);
            }
        }
    }
}
