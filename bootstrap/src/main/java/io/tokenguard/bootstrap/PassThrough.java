package io.tokenguard.bootstrap;

/**
 * Marks the current thread as making a call that instrumented clients must leave alone: the agent's
 * own token-endpoint calls, and the inner call an interceptor makes after it has prepared a request.
 * Without it an interceptor would intercept itself.
 *
 * <p>Lives on the bootstrap class path so that advice inlined into any class, in any class loader,
 * sees the same flag.
 */
public final class PassThrough {
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private PassThrough() {}

    /** True while the current thread is inside {@link #enter()} / {@link #exit()}. */
    public static boolean active() {
        return DEPTH.get()[0] > 0;
    }

    public static void enter() {
        DEPTH.get()[0]++;
    }

    public static void exit() {
        DEPTH.get()[0]--;
    }
}
