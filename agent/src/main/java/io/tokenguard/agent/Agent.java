package io.tokenguard.agent;

import io.tokenguard.config.ConfigException;
import io.tokenguard.config.Settings;
import io.tokenguard.events.EventSink;
import io.tokenguard.events.Events;
import io.tokenguard.events.LogbackEventSink;
import io.tokenguard.guard.RequestGuard;
import io.tokenguard.instrumentation.ClassInstrumentation;
import io.tokenguard.instrumentation.NameMatchingTransformer;
import io.tokenguard.instrumentation.jdkhttp.JdkHttpClientInstrumentation;
import io.tokenguard.oauth.ClientAuth;
import io.tokenguard.oauth.RequestFormat;
import io.tokenguard.oauth.TokenEndpointClient;
import io.tokenguard.store.CredentialStore;
import io.tokenguard.store.ExpiryFormat;
import io.tokenguard.token.AgentThreads;
import io.tokenguard.token.Token;
import io.tokenguard.token.TokenManager;
import java.io.File;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
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

    public static void start(String agentArgs, Instrumentation instrumentation, File agentJar) {
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
        Events events = new Events(new LogbackEventSink(settings.logFormat(), settings.logLevel(), settings.logFile()),
                Clock.systemUTC());
        try {
            for (String warning : settings.warnings()) {
                events.warning("config.warning", "message", warning);
            }
            BootstrapClasses.define(instrumentation, agentJar);
            install(settings, instrumentation, events, version(agentJar));
        } catch (Throwable t) {
            events.agentDisabled("agent failed to start: " + t.getClass().getName()
                    + " (the program runs on without tokenguard)");
        }
    }

    private static void install(Settings settings, Instrumentation instrumentation, Events events, String version) {
        Clock clock = Clock.systemUTC();
        CredentialStore store = new CredentialStore(settings.credentialsFile(), settings.accessTokenPointer(),
                settings.refreshTokenPointer(), settings.expiresAtPointer(),
                settings.expiresAtMillisWhenAbsent() ? ExpiryFormat.EPOCH_MILLIS : ExpiryFormat.EPOCH_SECONDS, clock);
        TokenEndpointClient endpoint = settings.tokenUrl() == null ? null
                : new TokenEndpointClient(settings.tokenUrl(), settings.clientId(), settings.clientSecret(),
                        ClientAuth.valueOf(settings.clientAuth().toUpperCase(Locale.ROOT)),
                        RequestFormat.valueOf(settings.tokenRequestFormat().toUpperCase(Locale.ROOT)),
                        settings.scope(), settings.refreshTimeout());
        TokenManager tokens = new TokenManager(store, endpoint, events, clock, settings.refreshSkew(),
                settings.refreshTimeout(), settings.reloginHint(), AgentThreads.single("refresh"));
        Token loaded = tokens.load();
        if (loaded != null && loaded.refreshToken() != null && endpoint == null) {
            events.agentDisabled("tokenguard.token-url is not set, but " + settings.credentialsFile()
                    + " holds a refresh token: set -Dtokenguard.token-url=https://.../oauth/token "
                    + "(or a preset such as tokenguard.preset=claude-code)");
            return;
        }
        RequestGuard guard = new RequestGuard(settings.hosts(), settings.header(), settings.headerPrefix(),
                "always".equals(settings.inject()), settings.maxReplayBytes(), tokens, events);

        List<ClassInstrumentation> enabled = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (ClassInstrumentation candidate : List.<ClassInstrumentation>of(new JdkHttpClientInstrumentation(guard))) {
            if (settings.instrumentationEnabled(candidate.name())) {
                candidate.prepare(instrumentation);
                enabled.add(candidate);
                names.add(candidate.name());
            }
        }
        NameMatchingTransformer transformer = new NameMatchingTransformer(enabled, events);
        instrumentation.addTransformer(transformer, true);
        retransformAlreadyLoaded(instrumentation, transformer, events);
        events.agentStarted(version, settings.hosts().toString(), names, settings.credentialsFile().toString(),
                settings.tokenUrl() == null ? "none" : settings.tokenUrl().toString());
    }

    /** When attached to a running JVM, target classes may be loaded already. */
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

    /** The {@code Implementation-Version} of the agent jar's manifest. */
    public static String version(File agentJar) {
        try (JarFile jar = new JarFile(agentJar, false)) {
            Manifest manifest = jar.getManifest();
            String version = manifest == null ? null : manifest.getMainAttributes().getValue("Implementation-Version");
            return version != null ? version : "unknown";
        } catch (IOException e) {
            return "unknown";
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
