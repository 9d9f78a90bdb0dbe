package io.tokenguard.bench;

import java.time.LocalDate;

/** The line each benchmark prints first: when, where, on what JVM. */
public final class Machine {
    private Machine() {}

    public static String describe(String java) {
        return String.format("date %s, %d cores, %s %s, child JVM %s", LocalDate.now(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"),
                System.getProperty("os.arch"), java);
    }
}
