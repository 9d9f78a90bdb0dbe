package io.tokenguard.bootstrap;

import java.util.concurrent.CompletableFuture;

/**
 * Where HTTP client libraries meet the agent. Two kinds of callers, both outside the agent's class loader:
 * <ul>
 *   <li>the one-call prologues the agent adds to a library's classes ({@link #announce},
 *       {@link #replace}), which hand over a freshly made client builder or execution chain so that the
 *       agent can add its interceptor to it;</li>
 *   <li>that interceptor, defined by the agent in the library's own class loader, which asks
 *       {@link #begin} whether a request is to be guarded.</li>
 * </ul>
 * It lives on the bootstrap class path because that is the one place every class loader can see.
 * Nothing here may throw into the host: without a core, or while the agent makes its own calls
 * ({@link PassThrough}), every method lets the call through.
 */
public final class ClientHooks {

    /** Implemented by the agent. */
    public interface Core {
        /** A library object the agent asked to see (a client builder): add the interceptor to it. */
        void announce(String key, Object target);

        /** A library object the agent may replace (an execution chain), or null to keep it. */
        Object replace(String key, Object owner, Object original);

        /** Null: leave the request untouched. May block (bounded) while an expired token is refreshed. */
        GuardedCall begin(String library, String scheme, String host, int port, String method, String rawPath,
                boolean requestHasHeader);

        /** Non-blocking {@link #begin}: completes with null to leave the request untouched. */
        CompletableFuture<GuardedCall> beginAsync(String library, String scheme, String host, int port,
                String method, String rawPath, boolean requestHasHeader);

        /** Whether requests to this origin carry the token (port -1: the scheme's default). */
        boolean guards(String scheme, String host, int port);

        /** The name of the header that carries the token. */
        String headerName();

        /**
         * Whether {@code headerValue}, found in the token header of a request to this origin, is a token the
         * agent put on a request to a guarded host although this origin is not guarded (a redirect out of
         * {@code hosts}): the header must be dropped.
         */
        boolean strayToken(String scheme, String host, int port, String headerValue);

        /** The agent's own fault inside a library: logged once; the request goes on untouched. */
        void failed(String library, Throwable failure);
    }

    private static volatile Core core;

    private ClientHooks() {}

    public static void install(Core newCore) {
        core = newCore;
    }

    /** Called by a prologue; never throws. */
    public static void announce(String key, Object target) {
        Core c = core;
        if (c != null) {
            try {
                c.announce(key, target);
            } catch (Throwable ignored) {
                // the core reports its own failures; the host must never see one
            }
        }
    }

    /** Called by a prologue; null keeps the original. Never throws. */
    public static Object replace(String key, Object owner, Object original) {
        Core c = core;
        if (c == null) {
            return null;
        }
        try {
            return c.replace(key, owner, original);
        } catch (Throwable ignored) {
            return null;
        }
    }

    public static GuardedCall begin(String library, String scheme, String host, int port, String method,
            String rawPath, boolean requestHasHeader) {
        Core c = core;
        if (c == null || PassThrough.active()) {
            return null;
        }
        return c.begin(library, scheme, host, port, method, rawPath, requestHasHeader);
    }

    public static CompletableFuture<GuardedCall> beginAsync(String library, String scheme, String host, int port,
            String method, String rawPath, boolean requestHasHeader) {
        Core c = core;
        if (c == null || PassThrough.active()) {
            return CompletableFuture.completedFuture(null);
        }
        return c.beginAsync(library, scheme, host, port, method, rawPath, requestHasHeader);
    }

    public static boolean guards(String scheme, String host, int port) {
        Core c = core;
        return c != null && c.guards(scheme, host, port);
    }

    /** Null when the agent is not running. */
    public static String headerName() {
        Core c = core;
        return c == null ? null : c.headerName();
    }

    /** See {@link Core#strayToken}; false without a core. Never throws. */
    public static boolean strayToken(String scheme, String host, int port, String headerValue) {
        Core c = core;
        if (c == null || headerValue == null) {
            return false;
        }
        try {
            return c.strayToken(scheme, host, port, headerValue);
        } catch (Throwable ignored) {
            return false;
        }
    }

    public static void failed(String library, Throwable failure) {
        Core c = core;
        if (c != null) {
            c.failed(library, failure);
        }
    }
}
