package io.tokenguard.instrumentation;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * The rewritten bytes of each target class, kept on disk so that every later start of a program skips the
 * rewriting, and with it loading the bytecode library at all (some thirty classes and the work of parsing
 * and writing a JDK class, on the host's own thread, at its first HTTP call).
 *
 * <p>An entry is found by the class's name, the agent build and a checksum of the class's original bytes,
 * and it is used only when the original bytes it holds equal the class being loaded, byte for byte: a JDK
 * or library update, or another agent build, is a miss, never a wrong class. A damaged or truncated entry
 * fails its own checksum and is a miss. Entries are written to a temporary file and renamed into place, so
 * that JVMs starting at once never read half of one.
 *
 * <p>The folder ({@code tokenguard.cache-dir}, by default {@code ~/.cache/tokenguard}) holds code the agent
 * puts into the JVM, so it is used only when it is private to this user: created with mode 0700, and
 * refused when it is owned by someone else or open to the group or others. Each agent build keeps its own
 * subfolder; starting a new build removes those of builds that wrote nothing for a week. A folder that
 * cannot be made or is not private turns the cache off for the rest of the run; an entry that cannot be
 * read or written is a miss. Either way the agent rewrites the class as before.
 */
public final class TransformCache {
    private static final int MAGIC = 0x54474331; // "TGC1"
    private static final int MAX_ENTRY_BYTES = 16 << 20;
    private static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");

    private final Path root;
    private final String build;
    private volatile Path dir;
    private volatile boolean off;

    /**
     * @param root the cache folder; nothing is created until the first target class loads
     * @param build what identifies the agent's code (the jar's {@code Tokenguard-Build})
     */
    public TransformCache(Path root, String build) {
        this.root = root;
        this.build = build;
        this.off = root == null || !isBuildId(build);
    }

    /** A checksum in hex: it becomes a folder name, so nothing else is accepted. */
    private static boolean isBuildId(String build) {
        if (build == null || build.length() < 8 || build.length() > 128) {
            return false;
        }
        for (int i = 0; i < build.length(); i++) {
            char c = build.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
                return false;
            }
        }
        return true;
    }

    /** @return the rewritten bytes stored for exactly {@code original}, or null */
    public byte[] lookup(String instrumentation, String className, byte[] original) {
        Path folder = folder();
        if (folder == null) {
            return null;
        }
        byte[] entry;
        try {
            Path file = folder.resolve(fileName(instrumentation, className, original));
            if (Files.size(file) > MAX_ENTRY_BYTES) {
                return null;
            }
            entry = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return decode(entry, original);
    }

    /** A small note kept by an earlier start of this build ({@code name}: letters, digits, dots), or null. */
    public byte[] readNote(String name) {
        Path folder = folder();
        if (folder == null) {
            return null;
        }
        try {
            Path file = folder.resolve(name + ".note");
            return Files.size(file) > MAX_ENTRY_BYTES ? null : Files.readAllBytes(file);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Keeps a note for later starts of this build, written like the entries (never half of one). */
    public void writeNote(String name, byte[] content) {
        Path folder = folder();
        if (folder != null) {
            writeAtomically(folder, folder.resolve(name + ".note"), content);
        }
    }

    /** Keeps {@code transformed} for later starts; a failure only means the next start rewrites again. */
    public void store(String instrumentation, String className, byte[] original, byte[] transformed) {
        Path folder = folder();
        if (folder == null) {
            return;
        }
        try {
            writeAtomically(folder, folder.resolve(fileName(instrumentation, className, original)),
                    encode(original, transformed));
        } catch (IOException | RuntimeException e) {
            // could not even encode: nothing is stored
        }
    }

    private static void writeAtomically(Path folder, Path target, byte[] content) {
        Path temp = null;
        try {
            temp = Files.createTempFile(folder, ".entry-", ".tmp");
            Files.write(temp, content);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                return; // never leave a half-written entry where a reader would find it
            }
            temp = null;
        } catch (IOException | RuntimeException e) {
            // a read-only or full disk: this run goes on without storing
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException | RuntimeException ignored) {
                    // nothing more to do
                }
            }
        }
    }

    static byte[] encode(byte[] original, byte[] transformed) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(original.length + transformed.length + 24);
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(MAGIC);
        out.writeInt(original.length);
        out.write(original);
        out.writeInt(transformed.length);
        out.write(transformed);
        CRC32 crc = new CRC32();
        crc.update(bytes.toByteArray());
        out.writeLong(crc.getValue());
        out.flush();
        return bytes.toByteArray();
    }

    /** The rewritten bytes, or null when the entry is damaged or holds other original bytes. */
    static byte[] decode(byte[] entry, byte[] original) {
        try {
            ByteBuffer in = ByteBuffer.wrap(entry);
            if (in.getInt() != MAGIC) {
                return null;
            }
            int originalLength = in.getInt();
            if (originalLength != original.length || originalLength > in.remaining()) {
                return null;
            }
            int originalStart = in.position();
            in.position(originalStart + originalLength);
            int transformedLength = in.getInt();
            if (transformedLength <= 0 || transformedLength != in.remaining() - Long.BYTES) {
                return null;
            }
            int transformedStart = in.position();
            CRC32 crc = new CRC32();
            crc.update(entry, 0, transformedStart + transformedLength);
            in.position(transformedStart + transformedLength);
            if (in.getLong() != crc.getValue()) {
                return null;
            }
            if (!Arrays.equals(entry, originalStart, originalStart + originalLength, original, 0, original.length)) {
                return null;
            }
            return Arrays.copyOfRange(entry, transformedStart, transformedStart + transformedLength);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String fileName(String instrumentation, String className, byte[] original) {
        CRC32 crc = new CRC32();
        crc.update(original);
        return className.replace('/', '.') + "." + instrumentation + "." + Long.toHexString(crc.getValue()) + "."
                + original.length + ".bin";
    }

    /**
     * This build's folder, made on first use; null once anything about it is wrong. Only this folder needs
     * to be private: whoever can write into it decides what the JVM runs, and nobody else can.
     */
    private Path folder() {
        if (off) {
            return null;
        }
        Path ready = dir;
        if (ready != null) {
            return ready;
        }
        synchronized (this) {
            if (dir == null && !off) {
                try {
                    Path transforms = root.resolve("transforms");
                    Path mine = transforms.resolve(build);
                    boolean created = false;
                    if (!Files.isDirectory(mine, LinkOption.NOFOLLOW_LINKS)) {
                        createPrivate(root);
                        createPrivate(transforms);
                        created = createPrivate(mine);
                    }
                    checkPrivate(mine);
                    if (created) {
                        removeOtherBuilds(transforms, mine);
                    }
                    dir = mine;
                } catch (IOException | RuntimeException e) {
                    off = true;
                }
            }
            return dir;
        }
    }

    /** @return true when it was created now (mode 0700 where the file system has modes) */
    private static boolean createPrivate(Path folder) throws IOException {
        if (Files.isDirectory(folder)) {
            return false;
        }
        try {
            try {
                Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
            } catch (UnsupportedOperationException notPosix) {
                Files.createDirectory(folder);
                return true;
            }
            Files.setPosixFilePermissions(folder, PRIVATE_DIR); // creation was narrowed by the umask
            return true;
        } catch (FileAlreadyExistsException raced) {
            return false; // another JVM made it a moment ago
        }
    }

    private static void checkPrivate(Path folder) throws IOException {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(folder, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException notPosix) {
            return; // no owners or modes to check (Windows keeps a user's profile private by default)
        }
        Set<PosixFilePermission> permissions = attributes.permissions();
        if (!attributes.isDirectory()
                || !attributes.owner().getName().equals(System.getProperty("user.name"))
                || permissions.contains(PosixFilePermission.GROUP_WRITE)
                || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IOException(folder + " is not private to this user");
        }
    }

    /**
     * A new build clears away the folders of builds that wrote nothing for a week. Not younger ones: two
     * builds in use on one machine (two projects) would otherwise delete each other's entries at every start.
     */
    private static void removeOtherBuilds(Path transforms, Path mine) {
        long weekAgo = System.currentTimeMillis() - 7L * 24 * 3600 * 1000;
        try (DirectoryStream<Path> builds = Files.newDirectoryStream(transforms)) {
            for (Path other : builds) {
                if (other.equals(mine) || !Files.isDirectory(other, LinkOption.NOFOLLOW_LINKS)
                        || Files.getLastModifiedTime(other, LinkOption.NOFOLLOW_LINKS).toMillis() > weekAgo) {
                    continue;
                }
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(other)) {
                    for (Path entry : entries) {
                        Files.deleteIfExists(entry);
                    }
                }
                Files.deleteIfExists(other);
            }
        } catch (IOException | RuntimeException e) {
            // another JVM of that build may be writing there right now; it is cleared another time
        }
    }
}
