package io.tokenguard.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Whether other users of the machine can get at the credentials: a file holding a refresh token that
 * its group or everyone may read (or replace) hands them the login. Only looks; the file's mode is the
 * user's to change.
 */
public final class CredentialPermissions {
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

    private CredentialPermissions() {}

    /**
     * The file's mode, such as {@code rw-r--r--}, when its group or other users may read or write it
     * (following symbolic links: the mode that protects the content). Null when only its owner may,
     * when the file cannot be examined (a missing file is reported by the read), and on file systems
     * without POSIX permissions, where there is nothing to say.
     */
    public static String openToOthers(Path file) {
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException | IOException | SecurityException e) {
            return null;
        }
        for (PosixFilePermission permission : OTHERS) {
            if (permissions.contains(permission)) {
                return PosixFilePermissions.toString(permissions);
            }
        }
        return null;
    }
}
