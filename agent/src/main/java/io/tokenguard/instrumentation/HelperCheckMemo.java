package io.tokenguard.instrumentation;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * Remembers, in the {@link TransformCache} folder, that a library had every member its helpers use, so
 * that later starts skip {@link HelperReferences} (which parses the library's class files, on the host's
 * thread, as it builds its first client: some twenty milliseconds for OkHttp).
 *
 * <p>A verdict is tied to the files the checked classes came from: for each class read, its location and
 * that file's size and time of last change. Any other jar, or the same jar changed, is checked again. A
 * class that does not come from a plain file (a jar inside a jar, a network location) is always checked.
 * Only a pass is remembered: a library that does not fit is checked, and reported, on every start.
 */
final class HelperCheckMemo {
    private final TransformCache cache;

    /** @param cache null for none: every start checks */
    HelperCheckMemo(TransformCache cache) {
        this.cache = cache;
    }

    /** What {@link HelperReferences#missing} would answer: empty when all is there. */
    List<String> missing(String instrumentation, String anchorClass, List<byte[]> helpers, Set<String> helperNames,
            ClassLoader loader) {
        Map<Path, String> fileStamps = new HashMap<>();
        String anchorStamp = cache == null ? null : stamp(loader, anchorClass.replace('.', '/'), fileStamps);
        String note = anchorStamp == null ? null : "helpers." + instrumentation + "." + crc(anchorStamp);
        if (note != null && stillFits(cache.readNote(note), loader, fileStamps)) {
            return List.of();
        }
        List<String> read = new ArrayList<>();
        List<String> missing = HelperReferences.missing(helpers, helperNames, loader, read);
        if (note != null && missing.isEmpty()) {
            StringBuilder lines = new StringBuilder();
            for (String internalName : read) {
                String stamp = stamp(loader, internalName, fileStamps);
                if (stamp == null) {
                    return missing; // a class from somewhere unstampable: this verdict cannot be kept
                }
                lines.append(internalName).append('\t').append(stamp).append('\n');
            }
            cache.writeNote(note, lines.toString().getBytes(StandardCharsets.UTF_8));
        }
        return missing;
    }

    private static boolean stillFits(byte[] note, ClassLoader loader, Map<Path, String> fileStamps) {
        if (note == null) {
            return false;
        }
        String[] lines = new String(note, StandardCharsets.UTF_8).split("\n");
        if (lines.length == 0 || lines[0].isEmpty()) {
            return false;
        }
        for (String line : lines) {
            int tab = line.indexOf('\t');
            if (tab <= 0 || !line.substring(tab + 1).equals(stamp(loader, line.substring(0, tab), fileStamps))) {
                return false;
            }
        }
        return true;
    }

    /** Where {@code loader} finds the class and that file's size and last change; null when not a plain file. */
    private static String stamp(ClassLoader loader, String internalName, Map<Path, String> fileStamps) {
        try {
            ClassLoader source = loader != null ? loader : ClassLoader.getPlatformClassLoader();
            URL url = source.getResource(internalName + ".class");
            if (url == null) {
                return null;
            }
            Path file;
            if ("jar".equals(url.getProtocol())) {
                String path = url.getPath();
                int bang = path.indexOf("!/");
                if (bang < 0 || !path.startsWith("file:") || path.indexOf("!/", bang + 2) >= 0) {
                    return null;
                }
                file = Paths.get(new URI(path.substring(0, bang)));
            } else if ("file".equals(url.getProtocol())) {
                file = Paths.get(url.toURI());
            } else {
                return null;
            }
            String fileStamp = fileStamps.get(file);
            if (fileStamp == null) {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                if (!attributes.isRegularFile()) {
                    return null;
                }
                fileStamp = attributes.size() + "|" + attributes.lastModifiedTime().toMillis();
                fileStamps.put(file, fileStamp);
            }
            return url.toExternalForm() + "|" + fileStamp;
        } catch (IOException | RuntimeException | java.net.URISyntaxException e) {
            return null;
        }
    }

    private static String crc(String text) {
        CRC32 crc = new CRC32();
        crc.update(text.getBytes(StandardCharsets.UTF_8));
        return Long.toHexString(crc.getValue());
    }
}
