package io.tokenguard.instrumentation;

import io.tokenguard.bootstrap.ClientHooks;
import io.tokenguard.bootstrap.GuardedCall;
import io.tokenguard.events.Events;
import io.tokenguard.guard.GuardedCalls;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.lang.ref.WeakReference;
import java.util.WeakHashMap;

/**
 * The agent's side of {@link ClientHooks}: routes a prologue's announcement to its library's helpers,
 * defined on first use in the loader that holds the library, and answers the helpers' questions through
 * {@link GuardedCalls}. Each loader is looked at once; a library version whose API does not match is left
 * alone with one {@code instrumentation.skipped} warning.
 */
public final class LibraryHooks implements ClientHooks.Core {
    private final GuardedCalls calls;
    private final ClassDefiner definer;
    private final HelperCheckMemo helperChecks;
    private final Events events;
    private final Map<String, Library> byKey = new HashMap<>();
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    /**
     * @param definer null when this JVM does not let the agent define classes: libraries are then skipped
     * @param cache where a library's fit for its helpers is remembered between starts; null for nowhere
     */
    public LibraryHooks(GuardedCalls calls, ClassDefiner definer, Events events, TransformCache cache) {
        this.calls = calls;
        this.helperChecks = new HelperCheckMemo(cache);
        this.definer = definer;
        this.events = events;
    }

    public void add(LibraryInstrumentation instrumentation) {
        Library library = new Library(instrumentation);
        for (String key : instrumentation.keys()) {
            byKey.put(key, library);
        }
    }

    /**
     * Makes this the core behind {@link ClientHooks}. (Called from here, not from the agent's start-up
     * class: verifying that class must not need the bridge, which is defined while it runs.)
     */
    public void connect() {
        ClientHooks.install(this);
    }

    @Override
    public void announce(String key, Object target) {
        replace(key, target, null);
    }

    @Override
    public Object replace(String key, Object owner, Object original) {
        Library library = byKey.get(key);
        if (library == null || owner == null) {
            return null;
        }
        try {
            Function<Object[], Object> entry = library.entryFor(owner.getClass());
            return entry == null ? null : entry.apply(new Object[] {key, owner, original});
        } catch (RuntimeException | LinkageError e) {
            calls.guard().internalFailure(library.instrumentation.name(), e);
            return null;
        }
    }

    @Override
    public GuardedCall begin(String library, String scheme, String host, int port, String method, String rawPath,
            boolean requestHasHeader) {
        return calls.begin(library, scheme, host, port, method, rawPath, requestHasHeader);
    }

    @Override
    public CompletableFuture<GuardedCall> beginAsync(String library, String scheme, String host, int port,
            String method, String rawPath, boolean requestHasHeader) {
        return calls.beginAsync(library, scheme, host, port, method, rawPath, requestHasHeader);
    }

    @Override
    public boolean guards(String scheme, String host, int port) {
        return calls.guard().guards(scheme, host, port);
    }

    @Override
    public String headerName() {
        return calls.guard().header();
    }

    @Override
    public boolean strayToken(String scheme, String host, int port, String headerValue) {
        return calls.guard().strayToken(scheme, host, port, headerValue);
    }

    @Override
    public void failed(String library, Throwable failure) {
        calls.guard().internalFailure(library, failure);
    }

    /** One library: its helpers' entry per loader, found through the class of the announced object. */
    private final class Library {
        final LibraryInstrumentation instrumentation;
        /** Announced class → the library's anchor class in the loader that defines it. */
        private final ClassValue<Optional<Class<?>>> anchors = new ClassValue<>() {
            @Override
            protected Optional<Class<?>> computeValue(Class<?> announced) {
                try {
                    return Optional.of(Class.forName(instrumentation.anchorClass(), false, announced.getClassLoader()));
                } catch (ClassNotFoundException | LinkageError e) {
                    return Optional.empty();
                }
            }
        };
        /** Anchor class → the entry defined beside it (empty when the library does not match). */
        private final ClassValue<Optional<Function<Object[], Object>>> entries = new ClassValue<>() {
            @Override
            protected Optional<Function<Object[], Object>> computeValue(Class<?> anchor) {
                synchronized (LibraryHooks.this) {
                    // Two threads may compute at once; the helpers must still be defined only once.
                    WeakReference<Function<Object[], Object>> earlier = injected.get(anchor);
                    Function<Object[], Object> entry = earlier != null ? earlier.get() : null;
                    if (entry == null && earlier == null) {
                        entry = inject(anchor.getClassLoader());
                        injected.put(anchor, new WeakReference<>(entry));
                    }
                    return Optional.ofNullable(entry);
                }
            }
        };

        /** What each anchor got, so that a racing second computation finds it (weak: loaders can go away). */
        private final Map<Class<?>, WeakReference<Function<Object[], Object>>> injected = new WeakHashMap<>();

        Library(LibraryInstrumentation instrumentation) {
            this.instrumentation = instrumentation;
        }

        Function<Object[], Object> entryFor(Class<?> announced) {
            Optional<Class<?>> anchor = anchors.get(announced);
            return anchor.isPresent() ? entries.get(anchor.get()).orElse(null) : null;
        }

        /** Defines the helpers in {@code loader}; null (after one warning) when that cannot be done. */
        @SuppressWarnings("unchecked")
        private Function<Object[], Object> inject(ClassLoader loader) {
            // Read only for a message: finding it parses a class file of the library, which a start that
            // logs at info, with helpers that fit, never needs.
            LazyVersion version = new LazyVersion(instrumentation, loader);
            try {
                if (definer == null) {
                    skip(version, "this JVM does not let the agent define classes beside the library");
                    return null;
                }
                List<String> names = instrumentation.helperClasses();
                List<byte[]> bytes = new ArrayList<>();
                Set<String> internalNames = new HashSet<>();
                for (String name : names) {
                    bytes.add(helperBytes(name));
                    internalNames.add(name.replace('.', '/'));
                }
                List<String> missing = helperChecks.missing(instrumentation.name(), instrumentation.anchorClass(), bytes,
                        internalNames, loader);
                if (!missing.isEmpty()) {
                    skip(version, "its classes do not have " + String.join(", ", missing.subList(0,
                            Math.min(3, missing.size()))).replace('/', '.'));
                    return null;
                }
                Class<?> entry = null;
                for (int i = 0; i < names.size(); i++) {
                    Class<?> defined = definer.define(names.get(i), bytes.get(i), loader, null);
                    if (i == 0) {
                        entry = defined;
                    }
                }
                Object instance = entry.getConstructor().newInstance();
                events.debug("instrumentation.applied", "instrumentation", instrumentation.name(),
                        "version", version, "loader", describe(loader));
                return (Function<Object[], Object>) instance;
            } catch (ReflectiveOperationException | IOException | RuntimeException | LinkageError e) {
                skip(version, e.getClass().getName() + ": " + e.getMessage());
                return null;
            }
        }

        private void skip(LazyVersion version, String reason) {
            if (warned.add(instrumentation.name() + "@" + version)) {
                events.warning("instrumentation.skipped", "instrumentation", instrumentation.name(),
                        "version", version, "reason", reason,
                        "action", "requests of this client pass through untouched");
            }
        }
    }

    /** The library's version, found the first time a message is written with it. */
    private static final class LazyVersion {
        private final LibraryInstrumentation instrumentation;
        private final ClassLoader loader;
        private String version;

        LazyVersion(LibraryInstrumentation instrumentation, ClassLoader loader) {
            this.instrumentation = instrumentation;
            this.loader = loader;
        }

        @Override
        public synchronized String toString() {
            if (version == null) {
                version = instrumentation.version(loader);
            }
            return version;
        }
    }

    /** A loader as a person would recognize it: its name when it has one, then its class and identity. */
    private static String describe(ClassLoader loader) {
        if (loader == null) {
            return "bootstrap";
        }
        String identity = loader.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(loader));
        return loader.getName() != null ? loader.getName() + "(" + identity + ")" : identity;
    }

    private static byte[] helperBytes(String name) throws IOException {
        String resource = name.replace('.', '/') + ".class";
        try (InputStream in = LibraryHooks.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("the agent jar lacks " + resource);
            }
            return in.readAllBytes();
        }
    }
}
