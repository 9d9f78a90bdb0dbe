package io.tokenguard.agent;

import io.tokenguard.config.ConfigException;
import io.tokenguard.config.Settings;
import io.tokenguard.events.DeferredSink;
import io.tokenguard.events.EventSink;
import io.tokenguard.events.Events;
import io.tokenguard.events.LogbackEventSink;
import io.tokenguard.guard.GuardedCalls;
import io.tokenguard.guard.RequestGuard;
import io.tokenguard.instrumentation.ClassDefiner;
import io.tokenguard.instrumentation.ClassInstrumentation;
import io.tokenguard.instrumentation.LibraryHooks;
import io.tokenguard.instrumentation.LibraryInstrumentation;
import io.tokenguard.instrumentation.NameMatchingTransformer;
import io.tokenguard.instrumentation.TransformCache;
import io.tokenguard.instrumentation.apache4.Apache4Instrumentation;
import io.tokenguard.instrumentation.apache5.Apache5Instrumentation;
import io.tokenguard.instrumentation.jdkhttp.JdkHttpClientInstrumentation;
import io.tokenguard.instrumentation.okhttp.OkHttpInstrumentation;
import io.tokenguard.instrumentation.urlconnection.UrlConnectionInstrumentation;
import io.tokenguard.oauth.TokenEndpointClient;
import io.tokenguard.store.CredentialPermissions;
import io.tokenguard.store.CredentialStore;
import io.tokenguard.token.AgentThreads;
import io.tokenguard.token.Token;
import io.tokenguard.token.TokenManager;
import java.io.File;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Starts the agent inside its own class loader (called by the launcher): reads the configuration, loads
 * the credentials, and registers the instrumentation of each enabled HTTP client. Any failure disables
 * the agent with one {@code agent.disabled} line; the host program always runs on.
 */
public final class Agent {
    private Agent() {}

    /**
     * @param jar the agent jar, opened once by the launcher (its class loader reads from it)
     * @param attachedLate true when attached to a running JVM, where target classes may be loaded already
     */
    public static void start(String agentArgs, Instrumentation instrumentation, File agentJar, JarFile jar,
            boolean attachedLate) {
        Settings settings;
        try {
            settings = Settings.load(systemProperties(), System.getenv());
        } catch (ConfigException e) {
            new Events(fallbackSink(), Clock.systemUTC()).agentDisabled(e.getMessage());
            return;
        }
        if (!settings.enabled()) {
            return;
        }
        DeferredSink sink = new DeferredSink();
        Events events = new Events(sink, Clock.systemUTC());
        try {
            ClassDefiner definer = BootstrapClasses.define(instrumentation, jar);
            Manifest manifest = jar.getManifest();
            String build = manifest == null ? null : manifest.getMainAttributes().getValue("Tokenguard-Build");
            String version = manifest == null ? null : manifest.getMainAttributes().getValue("Implementation-Version");
            TransformCache cache = new TransformCache(settings.cacheDir(), build);
            Started started = install(settings, instrumentation, events, attachedLate, definer, cache);
            // The rest (the log, the credentials file) runs beside the host's own start-up; requests
            // that come before it is done wait for it, bounded by refresh-timeout.
            Thread init = new Thread(null, new Init(settings, sink, events, started,
                    version != null ? version : "unknown"), "tokenguard-init", 0, false);
            init.setDaemon(true);
            init.start();
        } catch (Throwable t) {
            sink.ready(fallbackSink());
            events.agentDisabled("agent failed to start: " + t + " (the program runs on without tokenguard)");
        }
    }

    /** What {@link #install} set up, for the second half of the start. */
    private static final class Started {
        final RequestGuard guard;
        final List<String> instrumented;

        Started(RequestGuard guard, List<String> instrumented) {
            this.guard = guard;
            this.instrumented = instrumented;
        }
    }

    /**
     * The second half of the start, on its own thread. A class rather than a lambda, as is every callback on
     * the start path: each lambda spins classes in the host at every start.
     */
    private static final class Init implements Runnable {
        private final Settings settings;
        private final DeferredSink sink;
        private final Events events;
        private final Started started;
        private final String version;

        Init(Settings settings, DeferredSink sink, Events events, Started started, String version) {
            this.settings = settings;
            this.sink = sink;
            this.events = events;
            this.started = started;
            this.version = version;
        }

        @Override
        public void run() {
            try {
                finishStart(settings, sink, events, started, version);
            } catch (Throwable t) {
                started.guard.disable();
                sink.ready(fallbackSink());
                events.agentDisabled("agent failed to start: " + t + " (the program runs on without tokenguard)");
            }
        }
    }

    /** At the JVM's exit: a refresh under way is finished and written (bounded by refresh-timeout). */
    private static final class AwaitRefresh implements Runnable {
        private final TokenManager tokens;

        AwaitRefresh(TokenManager tokens) {
            this.tokens = tokens;
        }

        @Override
        public void run() {
            tokens.awaitRefreshInFlight();
        }
    }

    /** On the host's start-up path, so kept to what must exist before the host's classes load. */
    private static Started install(Settings settings, Instrumentation instrumentation, Events events,
            boolean attachedLate, ClassDefiner definer, TransformCache cache) {
        RequestGuard guard = new RequestGuard(settings.hosts(), settings.header(), settings.headerPrefix(),
                "always".equals(settings.inject()), settings.maxReplayBytes(), settings.refreshTimeout(), events);
        LibraryHooks libraries = new LibraryHooks(new GuardedCalls(guard), definer != null ? definer
                : openDefiner(instrumentation), events, cache);
        List<ClassInstrumentation> enabled = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<ClassInstrumentation> all = List.of(new JdkHttpClientInstrumentation(guard),
                new UrlConnectionInstrumentation(guard), new OkHttpInstrumentation(), new Apache5Instrumentation(),
                new Apache4Instrumentation());
        for (ClassInstrumentation candidate : all) {
            if (settings.instrumentationEnabled(candidate.name())) {
                candidate.prepare(instrumentation);
                if (candidate instanceof LibraryInstrumentation) {
                    libraries.add((LibraryInstrumentation) candidate);
                }
                enabled.add(candidate);
                names.add(candidate.name());
            }
        }
        libraries.connect();
        NameMatchingTransformer transformer = new NameMatchingTransformer(enabled, events, cache);
        instrumentation.addTransformer(transformer, true);
        if (attachedLate) {
            retransformAlreadyLoaded(instrumentation, transformer, events);
        }
        return new Started(guard, names);
    }

    /** On the tokenguard-init thread: the log, the token core, the credentials. */
    private static void finishStart(Settings settings, DeferredSink sink, Events events, Started started,
            String version) {
        try {
            sink.ready(new LogbackEventSink(settings.logFormat(), settings.logLevel(), settings.logFile()));
        } catch (RuntimeException e) {
            sink.ready(fallbackSink());
            events.warning("log.file_unusable", "file", String.valueOf(settings.logFile()),
                    "exception", e.getClass().getName(), "action", "writing to standard error instead");
        }
        for (String warning : settings.warnings()) {
            events.warning("config.warning", "message", warning);
        }
        Clock clock = Clock.systemUTC();
        CredentialStore store = CoreFromSettings.credentialStore(settings, clock);
        TokenEndpointClient endpoint = CoreFromSettings.tokenEndpoint(settings);
        TokenManager tokens = new TokenManager(store, endpoint, events, clock, settings.refreshSkew(),
                settings.refreshTimeout(), settings.reloginHint(), AgentThreads.single("refresh"))
                .withRefreshLock(CoreFromSettings.refreshLock(settings))
                .discardingDeadCredentials("discard".equals(settings.onInvalidGrant()));
        Token loaded = tokens.load();
        warnIfOpenToOthers(settings.credentialsFile(), events);
        if (loaded != null && loaded.refreshToken() != null && endpoint == null) {
            started.guard.disable();
            events.agentDisabled("tokenguard.token-url is not set, but " + settings.credentialsFile()
                    + " holds a refresh token: set -Dtokenguard.token-url=https://.../oauth/token "
                    + "(or a preset such as tokenguard.preset=claude-code)");
            return;
        }
        started.guard.ready(tokens);
        Runtime.getRuntime().addShutdownHook(new Thread(null, new AwaitRefresh(tokens),
                "tokenguard-shutdown", 0, false));
        events.agentStarted(version, settings.hosts().toString(), started.instrumented,
                settings.credentialsFile().toString(),
                settings.tokenUrl() == null ? "none" : settings.tokenUrl().toString());
    }

    /** Once, at start: the file is the user's, so the agent says what to do and never changes its mode. */
    private static void warnIfOpenToOthers(Path credentials, Events events) {
        String mode = CredentialPermissions.openToOthers(credentials);
        if (mode != null) {
            events.warning("credentials.insecure_permissions", "file", credentials.toString(), "mode", mode,
                    "action", "chmod 600 " + credentials);
        }
    }

    /** Null when this JVM does not let the agent in: client libraries are then left alone (with a warning each). */
    private static ClassDefiner openDefiner(Instrumentation instrumentation) {
        try {
            return ClassDefiner.open(instrumentation);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static void retransformAlreadyLoaded(Instrumentation instrumentation, NameMatchingTransformer transformer,
            Events events) {
        if (!instrumentation.isRetransformClassesSupported()) {
            return;
        }
        List<Class<?>> loaded = new ArrayList<>();
        for (Class<?> type : instrumentation.getAllLoadedClasses()) {
            if (transformer.targetClasses().contains(type.getName().replace('.', '/'))) {
                loaded.add(type);
            }
        }
        if (!loaded.isEmpty()) {
            try {
                instrumentation.retransformClasses(loaded.toArray(new Class<?>[0]));
            } catch (Exception | LinkageError e) {
                events.warning("instrumentation.skipped", "exception", e.getClass().getName());
            }
        }
    }

    private static EventSink fallbackSink() {
        return new LogbackEventSink("text", "info", null);
    }

    private static Map<String, String> systemProperties() {
        Map<String, String> copy = new HashMap<>();
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("tokenguard.")) {
                copy.put(name, System.getProperty(name));
            }
        }
        return copy;
    }
}
