package io.tokenguard.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;

/**
 * What a file looked like at one moment, for cheap change detection: size, modification time and file
 * key (the inode on Unix, which changes on every atomic replace). Never reads the content.
 */
public final class FileStamp {
    /** The file did not exist or could not be examined. */
    public static final FileStamp MISSING = new FileStamp(-1, null, null);

    private final long size;
    private final FileTime lastModified;
    private final Object fileKey;

    private FileStamp(long size, FileTime lastModified, Object fileKey) {
        this.size = size;
        this.lastModified = lastModified;
        this.fileKey = fileKey;
    }

    /**
     * One stat of {@code file}, following symbolic links. Any failure gives {@link #MISSING}; the
     * following read reports the actual problem.
     */
    public static FileStamp of(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return new FileStamp(attributes.size(), attributes.lastModifiedTime(), attributes.fileKey());
        } catch (IOException | SecurityException e) {
            return MISSING;
        }
    }

    public boolean exists() {
        return lastModified != null;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof FileStamp)) {
            return false;
        }
        FileStamp other = (FileStamp) o;
        return size == other.size && Objects.equals(lastModified, other.lastModified)
                && Objects.equals(fileKey, other.fileKey);
    }

    @Override
    public int hashCode() {
        return Objects.hash(size, lastModified, fileKey);
    }

    @Override
    public String toString() {
        return exists() ? "FileStamp[size=" + size + ", modified=" + lastModified + ", key=" + fileKey + "]"
                : "FileStamp[missing]";
    }
}
