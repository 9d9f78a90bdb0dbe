package io.tokenguard.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Serializes refreshes among all processes that share one credentials file, so that a rotated refresh
 * token is spent exactly once.
 *
 * <ul>
 *   <li>The lock itself is an operating-system lock ({@link FileChannel#tryLock()}) on a small file beside
 *       the credentials, {@code .<name>.tokenguard-lock}. The OS releases it when the process dies, however
 *       it dies, so a crash never locks the others out. The file holds no secret and is never deleted
 *       (deleting a lock file that others may hold open is how such schemes break).</li>
 *   <li>Optionally, lock directories in the {@code proper-lockfile} style other tools use on the same
 *       file (Claude Code: {@code ~/.claude/.oauth_refresh.lock} and {@code ~/.claude.lock}): taken with
 *       an atomic {@code mkdir} after the OS lock, judged stale when their modification time is older
 *       than 60 s, kept fresh every 5 s while held, and removed on release if still ours.</li>
 * </ul>
 * Waiting is bounded; a lock not taken in time is reported as null, never forced.
 */
public final class RefreshLock {
    /** proper-lockfile's staleness as Claude Code configures it. */
    static final Duration DIRECTORY_STALE = Duration.ofSeconds(60);
    /** proper-lockfile's heartbeat as Claude Code configures it. */
    static final Duration DIRECTORY_UPDATE = Duration.ofSeconds(5);
    private static final long MIN_PAUSE_MS = 10;
    private static final long MAX_PAUSE_MS = 200;

    /** A JVM may hold one OS lock on a file only once: threads (and tests with two stores) queue here first. */
    private static final ConcurrentHashMap<Path, Semaphore> IN_THIS_JVM = new ConcurrentHashMap<>();

    private static volatile ScheduledExecutorService heartbeats;

    private final Path lockFile;
    private final List<Path> directories;

    /**
     * @param credentialsFile the file the lock protects
     * @param directories proper-lockfile directories to take as well (may be empty)
     */
    public RefreshLock(Path credentialsFile, List<Path> directories) {
        Path absolute = credentialsFile.toAbsolutePath().normalize();
        try {
            absolute = absolute.toRealPath(); // every process that reaches the file through a link meets here
        } catch (IOException | RuntimeException notThereYet) {
            // a file a later login creates: its configured path
        }
        this.lockFile = absolute.resolveSibling("." + absolute.getFileName() + ".tokenguard-lock");
        this.directories = List.copyOf(directories);
    }

    public Path lockFile() {
        return lockFile;
    }

    public List<Path> directories() {
        return directories;
    }

    /**
     * Takes every lock, waiting at most {@code timeout} in all.
     *
     * @return the held locks (close to release), or null when they could not all be taken in time
     * @throws IOException when the lock file cannot be created or opened
     */
    public Held acquire(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Semaphore local = IN_THIS_JVM.computeIfAbsent(lockFile, p -> new Semaphore(1, true));
        if (!local.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            return null;
        }
        Held held = new Held(local);
        try {
            if (!held.lockFile(deadline)) {
                held.close();
                return null;
            }
            for (Path directory : directories) {
                if (!held.directory(directory, deadline)) {
                    held.close();
                    return null;
                }
            }
            return held;
        } catch (IOException | InterruptedException | RuntimeException e) {
            held.close();
            throw e;
        }
    }

    /** The locks one refresh holds. */
    public final class Held implements AutoCloseable {
        private final Semaphore local;
        private FileChannel channel;
        private FileLock fileLock;
        private final List<HeldDirectory> held = new ArrayList<>();
        private boolean closed;

        private Held(Semaphore local) {
            this.local = local;
        }

        private boolean lockFile(long deadline) throws IOException, InterruptedException {
            channel = open(lockFile);
            long pause = MIN_PAUSE_MS;
            while (true) {
                fileLock = channel.tryLock();
                if (fileLock != null) {
                    return true;
                }
                if (!pauseUntil(deadline, pause)) {
                    return false;
                }
                pause = Math.min(MAX_PAUSE_MS, pause * 2);
            }
        }

        private boolean directory(Path directory, long deadline) throws IOException, InterruptedException {
            long pause = MIN_PAUSE_MS;
            while (true) {
                try {
                    Files.createDirectory(directory);
                    FileTime mine = FileTime.fromMillis(System.currentTimeMillis());
                    Files.setLastModifiedTime(directory, mine);
                    held.add(new HeldDirectory(directory, mine));
                    return true;
                } catch (FileAlreadyExistsException busy) {
                    if (isStale(directory)) {
                        removeQuietly(directory); // its holder died without cleaning up
                        continue;
                    }
                }
                if (!pauseUntil(deadline, pause)) {
                    return false;
                }
                pause = Math.min(MAX_PAUSE_MS * 2, pause * 2);
            }
        }

        /** Releases everything taken, last first. Never throws; a second call does nothing. */
        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            for (int i = held.size() - 1; i >= 0; i--) {
                held.get(i).release();
            }
            held.clear();
            try {
                if (fileLock != null) {
                    fileLock.release();
                }
            } catch (IOException | RuntimeException ignored) {
                // closing the channel releases it too
            }
            try {
                if (channel != null) {
                    channel.close();
                }
            } catch (IOException ignored) {
                // nothing more to release
            }
            fileLock = null;
            channel = null;
            local.release();
        }
    }

    /** A lock directory this process created, kept fresh until released. */
    private static final class HeldDirectory {
        private final Path directory;
        private volatile FileTime written;
        private final ScheduledFuture<?> heartbeat;

        HeldDirectory(Path directory, FileTime written) {
            this.directory = directory;
            this.written = written;
            long period = DIRECTORY_UPDATE.toMillis();
            this.heartbeat = heartbeats().scheduleAtFixedRate(this::touch, period, period, TimeUnit.MILLISECONDS);
        }

        private void touch() {
            try {
                if (Files.getLastModifiedTime(directory).equals(written)) {
                    FileTime now = FileTime.fromMillis(System.currentTimeMillis());
                    Files.setLastModifiedTime(directory, now);
                    written = now;
                }
            } catch (IOException | RuntimeException e) {
                // gone or taken over: the release below will leave it alone
            }
        }

        void release() {
            heartbeat.cancel(false);
            try {
                // Only our own: a directory with another time was taken over by someone who judged ours stale.
                if (Files.getLastModifiedTime(directory).equals(written)) {
                    Files.delete(directory);
                }
            } catch (IOException | RuntimeException e) {
                // already gone
            }
        }
    }

    private static boolean isStale(Path directory) {
        try {
            long age = System.currentTimeMillis() - Files.getLastModifiedTime(directory).toMillis();
            return age > DIRECTORY_STALE.toMillis();
        } catch (NoSuchFileException gone) {
            return true; // released between our mkdir and our look: try again at once
        } catch (IOException e) {
            return false;
        }
    }

    private static void removeQuietly(Path directory) {
        try {
            Files.deleteIfExists(directory);
        } catch (IOException | RuntimeException e) {
            // someone else removed or retook it; the next mkdir tells
        }
    }

    private static FileChannel open(Path lockFile) throws IOException {
        try {
            return FileChannel.open(lockFile, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            return FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        }
    }

    private static boolean pauseUntil(long deadline, long pauseMillis) throws InterruptedException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            return false;
        }
        long jitter = (long) (Math.random() * pauseMillis / 2);
        TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(pauseMillis + jitter)));
        return true;
    }

    private static ScheduledExecutorService heartbeats() {
        ScheduledExecutorService pool = heartbeats;
        if (pool == null) {
            synchronized (RefreshLock.class) {
                pool = heartbeats;
                if (pool == null) {
                    ScheduledThreadPoolExecutor created = new ScheduledThreadPoolExecutor(1, runnable -> {
                        Thread thread = new Thread(runnable, "tokenguard-lock-heartbeat");
                        thread.setDaemon(true);
                        return thread;
                    });
                    created.setRemoveOnCancelPolicy(true);
                    heartbeats = pool = created;
                }
            }
        }
        return pool;
    }
}
