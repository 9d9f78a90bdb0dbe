package io.tokenguard.instrumentation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransformCacheTest {
    private static final String BUILD = "0123456789abcdef0123456789abcdef";
    private static final byte[] ORIGINAL = "original class bytes".getBytes(StandardCharsets.UTF_8);
    private static final byte[] REWRITTEN = "rewritten class bytes, a little longer".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @Test
    void aStoredClassIsFoundByALaterStart() {
        new TransformCache(dir, BUILD).store("okhttp", "okhttp3/OkHttpClient", ORIGINAL, REWRITTEN);
        assertArrayEquals(REWRITTEN, new TransformCache(dir, BUILD).lookup("okhttp", "okhttp3/OkHttpClient", ORIGINAL));
    }

    @Test
    void otherOriginalBytesOfTheSameLengthAreAMiss() {
        TransformCache cache = new TransformCache(dir, BUILD);
        cache.store("okhttp", "okhttp3/OkHttpClient", ORIGINAL, REWRITTEN);
        byte[] updated = ORIGINAL.clone();
        updated[3] ^= 1;
        assertNull(cache.lookup("okhttp", "okhttp3/OkHttpClient", updated));
        assertNull(cache.lookup("apache-httpclient-5", "okhttp3/OkHttpClient", ORIGINAL), "another instrumentation");
        assertNull(new TransformCache(dir, "fedcba9876543210fedcba9876543210").lookup("okhttp", "okhttp3/OkHttpClient",
                ORIGINAL), "another agent build");
    }

    @Test
    void aClassWithTheSameChecksumAndLengthIsStillAMiss() throws IOException {
        // A checksum collision lands in the same file; the original bytes held there decide.
        byte[] stored = Files.readAllBytes(storedEntry());
        byte[] other = "ORIGINAL class bytes".getBytes(StandardCharsets.UTF_8);
        assertNull(TransformCache.decode(stored, other));
        assertArrayEquals(REWRITTEN, TransformCache.decode(stored, ORIGINAL));
    }

    @Test
    void aDamagedOrTruncatedEntryIsAMiss() throws IOException {
        Path entry = storedEntry();
        TransformCache cache = new TransformCache(dir, BUILD);
        byte[] good = Files.readAllBytes(entry);
        for (int i = 0; i < good.length; i++) {
            byte[] damaged = good.clone();
            damaged[i] ^= 0x10;
            Files.write(entry, damaged);
            assertNull(cache.lookup("okhttp", "okhttp3/OkHttpClient", ORIGINAL), "byte " + i + " flipped");
        }
        for (int length = 0; length < good.length; length++) {
            Files.write(entry, java.util.Arrays.copyOf(good, length));
            assertNull(cache.lookup("okhttp", "okhttp3/OkHttpClient", ORIGINAL), "cut at " + length);
        }
    }

    @Test
    void theFolderIsMadePrivate() throws IOException {
        Path root = dir.resolve("cache");
        new TransformCache(root, BUILD).store("okhttp", "okhttp3/OkHttpClient", ORIGINAL, REWRITTEN);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root)));
        assertEquals("rwx------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(root.resolve("transforms").resolve(BUILD))));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(onlyEntry())));
    }

    @Test
    void aFolderOthersCanWriteToIsNotUsed() throws IOException {
        Path root = dir.resolve("shared");
        new TransformCache(root, BUILD).store("okhttp", "okhttp3/OkHttpClient", ORIGINAL, REWRITTEN);
        Files.setPosixFilePermissions(root.resolve("transforms").resolve(BUILD),
                PosixFilePermissions.fromString("rwxrwxrwx"));
        // Anyone could have put classes there: not read, and nothing more is written.
        TransformCache later = new TransformCache(root, BUILD);
        assertNull(later.lookup("okhttp", "okhttp3/OkHttpClient", ORIGINAL));
        later.store("okhttp", "okhttp3/Other", ORIGINAL, REWRITTEN);
        assertEquals(1, entries().size());
    }

    @Test
    void aFolderOwnedBySomeoneElseIsNotUsed() throws IOException {
        Path root = dir.resolve("theirs");
        new TransformCache(root, BUILD).store("okhttp", "okhttp3/OkHttpClient", ORIGINAL, REWRITTEN);
        Path build = root.resolve("transforms").resolve(BUILD);
        UserPrincipal nobody;
        try {
            nobody = build.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
            Files.setOwner(build, nobody);
        } catch (IOException e) {
            Assumptions.abort("cannot give the folder away here (needs root and a user nobody): " + e);
            return;
        }
        assertNull(new TransformCache(root, BUILD).lookup("okhttp", "okhttp3/OkHttpClient", ORIGINAL));
    }

    @Test
    void aBuildIdThatIsNotAChecksumTurnsTheCacheOff() throws IOException {
        for (String build : new String[] {null, "", "../../etc", "0123456", "0123456789abcdef/x"}) {
            TransformCache cache = new TransformCache(dir, build);
            cache.store("okhttp", "okhttp3/OkHttpClient", ORIGINAL, REWRITTEN);
            assertNull(cache.lookup("okhttp", "okhttp3/OkHttpClient", ORIGINAL), String.valueOf(build));
        }
        try (Stream<Path> all = Files.list(dir)) {
            assertEquals(0, all.count(), "nothing created");
        }
        TransformCache none = new TransformCache(null, BUILD);
        none.store("okhttp", "okhttp3/OkHttpClient", ORIGINAL, REWRITTEN);
        assertNull(none.lookup("okhttp", "okhttp3/OkHttpClient", ORIGINAL));
    }

    @Test
    void aNewBuildClearsAwayBuildsUnusedForAWeekButNotOthersInUse() throws IOException {
        String stale = "00000000000000000000000000000000";
        new TransformCache(dir, stale).store("okhttp", "okhttp3/OkHttpClient", ORIGINAL, REWRITTEN);
        Files.setLastModifiedTime(dir.resolve("transforms").resolve(stale),
                FileTime.fromMillis(System.currentTimeMillis() - 8L * 24 * 3600 * 1000));
        new TransformCache(dir, BUILD).store("okhttp", "okhttp3/OkHttpClient", ORIGINAL, REWRITTEN);
        String next = "fedcba9876543210fedcba9876543210";
        new TransformCache(dir, next).store("okhttp", "okhttp3/OkHttpClient", ORIGINAL, REWRITTEN);
        try (Stream<Path> builds = Files.list(dir.resolve("transforms"))) {
            assertEquals(new TreeSet<>(List.of(BUILD, next)),
                    builds.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new)));
        }
        // Two builds in use side by side keep their entries.
        assertArrayEquals(REWRITTEN, new TransformCache(dir, BUILD).lookup("okhttp", "okhttp3/OkHttpClient", ORIGINAL));
    }

    @Test
    void jvmsStartingAtOnceNeverReadAHalfWrittenEntry() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(threads.submit(() -> {
                    for (int i = 0; i < 300; i++) {
                        TransformCache cache = new TransformCache(dir, BUILD);
                        byte[] found = cache.lookup("okhttp", "okhttp3/OkHttpClient", ORIGINAL);
                        if (found != null && !java.util.Arrays.equals(found, REWRITTEN)) {
                            return false;
                        }
                        cache.store("okhttp", "okhttp3/OkHttpClient", ORIGINAL, REWRITTEN);
                    }
                    return true;
                }));
            }
            for (Future<Boolean> result : results) {
                assertTrue(result.get());
            }
        } finally {
            threads.shutdownNow();
        }
        assertEquals(1, entries().size(), "no temporary files left: " + entries());
        assertFalse(entries().get(0).getFileName().toString().endsWith(".tmp"));
    }

    private Path storedEntry() throws IOException {
        new TransformCache(dir, BUILD).store("okhttp", "okhttp3/OkHttpClient", ORIGINAL, REWRITTEN);
        return onlyEntry();
    }

    private Path onlyEntry() throws IOException {
        List<Path> entries = entries();
        assertEquals(1, entries.size(), entries.toString());
        return entries.get(0);
    }

    private List<Path> entries() throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(Files::isRegularFile).collect(Collectors.toList());
        }
    }
}
