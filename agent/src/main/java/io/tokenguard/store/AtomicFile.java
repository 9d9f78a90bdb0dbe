package io.tokenguard.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/** Reading a small file with a bound, and replacing it so that no reader ever sees a torn one. */
final class AtomicFile {
    /** A credentials file is a few hundred bytes; anything this large is not one. */
    static final int MAX_BYTES = 1 << 20;

    private static final Set<PosixFilePermission> NEW_FILE_PERMISSIONS = PosixFilePermissions.fromString("rw-------");

    private AtomicFile() {}

    /**
     * Temp file beside the target, same permissions, flushed to disk, then renamed over the target: a
     * reader sees the old file or the new one, never a torn one, even if we crash or the disk fills.
     */
    static void replace(Path target, byte[] content, boolean exists) throws IOException {
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

    static byte[] readBounded(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            byte[] content = in.readNBytes(MAX_BYTES + 1);
            if (content.length > MAX_BYTES) {
                throw new TooLargeException();
            }
            return content;
        }
    }

    static final class TooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        TooLargeException() {
            super("is larger than 1 MiB, far more than any credentials file; check tokenguard.credentials-file");
        }
    }

}
