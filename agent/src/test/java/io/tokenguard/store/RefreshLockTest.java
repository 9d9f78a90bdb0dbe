package io.tokenguard.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lock that makes processes sharing a credentials file refresh one at a time. */
class RefreshLockTest {
    @TempDir
    Path dir;

    private Path credentials() throws Exception {
        Path file = dir.resolve("credentials.json");
        Files.writeString(file, "{}");
        return file;
    }

    /** A second JVM holding the lock, started the way a second program would be. */
    private Process holder(Path file, long millis) throws Exception {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                LockHolder.class.getName(), file.toString(), String.valueOf(millis)).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("held", out.readLine(), "the other process took the lock");
        return process;
    }

    @Test
    void anotherProcessHoldingTheLockMakesUsWaitAndItsReleaseLetsUsIn() throws Exception {
        Path file = credentials();
        Process other = holder(file, 1500);
        RefreshLock lock = new RefreshLock(file, List.of());

        assertNull(lock.acquire(Duration.ofMillis(300)), "held elsewhere: not taken within the wait");
        long started = System.nanoTime();
        try (RefreshLock.Held held = lock.acquire(Duration.ofSeconds(10))) {
            assertNotNull(held, "taken once the other process released it");
            assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) < 9000);
        }
        assertTrue(other.waitFor(10, TimeUnit.SECONDS));
    }

    @Test
    void aProcessKilledWhileHoldingTheLockDoesNotLockTheOthersOut() throws Exception {
        Path file = credentials();
        Process other = holder(file, 600_000);
        RefreshLock lock = new RefreshLock(file, List.of());
        assertNull(lock.acquire(Duration.ofMillis(200)));

        other.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL: no cleanup code runs
        try (RefreshLock.Held held = lock.acquire(Duration.ofSeconds(5))) {
            assertNotNull(held, "the OS released the dead process's lock");
        }
    }

    @Test
    void threadsOfOneJvmQueueInsteadOfFailing() throws Exception {
        Path file = credentials();
        RefreshLock one = new RefreshLock(file, List.of());
        RefreshLock two = new RefreshLock(file, List.of());
        RefreshLock.Held held = one.acquire(Duration.ofSeconds(1));
        assertNotNull(held);
        assertNull(two.acquire(Duration.ofMillis(100)));
        held.close();
        held.close(); // a second close must not let two holders in later
        try (RefreshLock.Held again = two.acquire(Duration.ofSeconds(1))) {
            assertNotNull(again);
            assertNull(one.acquire(Duration.ofMillis(100)), "still exclusive after a double close");
        }
    }

    @Test
    void theLockFileHoldsNoSecretAndIsPrivate() throws Exception {
        Path file = credentials();
        RefreshLock lock = new RefreshLock(file, List.of());
        try (RefreshLock.Held held = lock.acquire(Duration.ofSeconds(1))) {
            assertNotNull(held);
        }
        assertEquals(dir.resolve(".credentials.json.tokenguard-lock"), lock.lockFile());
        assertEquals(0, Files.size(lock.lockFile()));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(lock.lockFile())));
    }

    @Test
    void aLiveLockDirectoryOfAnotherToolIsWaitedForAndAStaleOneIsTakenOver() throws Exception {
        Path file = credentials();
        Path claude = dir.resolve(".oauth_refresh.lock");
        RefreshLock lock = new RefreshLock(file, List.of(claude));

        Files.createDirectory(claude); // another tool holds it, fresh
        assertNull(lock.acquire(Duration.ofMillis(300)), "a live lock directory is respected");
        assertTrue(Files.isDirectory(claude), "and left alone");

        Files.setLastModifiedTime(claude, FileTime.fromMillis(System.currentTimeMillis() - 61_000));
        try (RefreshLock.Held held = lock.acquire(Duration.ofSeconds(1))) {
            assertNotNull(held, "older than 60 s: its holder is gone, as proper-lockfile judges it");
            assertTrue(Files.isDirectory(claude), "held by us now");
        }
        assertFalse(Files.exists(claude), "removed on release");
    }

    @Test
    void aLockDirectoryTakenOverByAnotherToolIsNotRemovedOnRelease() throws Exception {
        Path file = credentials();
        Path claude = dir.resolve(".oauth_refresh.lock");
        RefreshLock lock = new RefreshLock(file, List.of(claude));
        RefreshLock.Held held = lock.acquire(Duration.ofSeconds(1));
        assertNotNull(held);
        // Someone judged ours stale and recreated it: its time is no longer the one we wrote.
        Files.setLastModifiedTime(claude, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        held.close();
        assertTrue(Files.isDirectory(claude), "not ours any more, so not removed");
        assertTrue(new File(claude.toString()).delete());
    }
}
