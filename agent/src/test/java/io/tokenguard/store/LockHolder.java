package io.tokenguard.store;

import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;

/** {@code LockHolder <credentials file> <millis>}: another process that takes the refresh lock and holds it. */
public final class LockHolder {
    public static void main(String[] args) throws Exception {
        RefreshLock lock = new RefreshLock(Paths.get(args[0]), List.of());
        try (RefreshLock.Held held = lock.acquire(Duration.ofSeconds(10))) {
            System.out.println(held != null ? "held" : "timeout");
            System.out.flush();
            Thread.sleep(Long.parseLong(args[1]));
        }
        System.out.println("released");
    }
}
