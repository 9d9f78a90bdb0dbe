package io.tokenguard.store;

import io.tokenguard.token.Token;
import java.util.Objects;

/** A token as read from the credentials file, with the file's stamp taken just before the read. */
public final class StoredCredentials {
    private final Token token;
    private final FileStamp stamp;

    public StoredCredentials(Token token, FileStamp stamp) {
        this.token = Objects.requireNonNull(token, "token");
        this.stamp = Objects.requireNonNull(stamp, "stamp");
    }

    public Token token() {
        return token;
    }

    /** Taken before the content was read, so a change racing the read still shows up as a new stamp later. */
    public FileStamp stamp() {
        return stamp;
    }

    @Override
    public String toString() {
        return "StoredCredentials[" + token + ", " + stamp + "]";
    }
}
