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
    /** No {@code withInitial} lambda: spinning one costs every host a few classes at its first request. */
    private static final ThreadLocal<int[]> DEPTH = new ThreadLocal<>();

    private PassThrough() {}

    /** True while the current thread is inside {@link #enter()} / {@link #exit()}. */
    public static boolean active() {
        int[] depth = DEPTH.get();
        return depth != null && depth[0] > 0;
    }

    public static void enter() {
        int[] depth = DEPTH.get();
        if (depth == null) {
            depth = new int[1];
            DEPTH.set(depth);
        }
        depth[0]++;
    }

    public static void exit() {
        int[] depth = DEPTH.get();
        if (depth != null) {
            depth[0]--;
        }
    }
}
