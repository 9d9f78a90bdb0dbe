package io.tokenguard.instrumentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.tokenguard.bootstrap.ClientHooks;
import io.tokenguard.bootstrap.GuardedCall;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The two prologues library classes get, run on real bytecode in a fresh class loader. */
class BridgeCallPrologueTest {

    /** The class that is transformed: a "client" assembled from a "builder". */
    public static final class Client {
        final String builder;

        public Client(String builder) {
            this.builder = builder;
        }

        public Object decorate(Object chain) {
            return "original:" + chain;
        }
    }

    private final List<Object> announced = new ArrayList<>();
    private Object replacement;

    @AfterEach
    void uninstall() {
        ClientHooks.install(null);
    }

    private Class<?> transformedClient() throws Exception {
        String name = Client.class.getName().replace('.', '/');
        byte[] original;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(name + ".class")) {
            original = in.readAllBytes();
        }
        byte[] transformed = new BridgeCallPrologue().announce("<init>", "(Ljava/lang/String;)V", "test-key", 1)
                .replace("decorate", "(Ljava/lang/Object;)Ljava/lang/Object;", "test-key")
                .transform(original, name);
        ClassLoader loader = new ClassLoader(getClass().getClassLoader()) {
            @Override
            protected Class<?> loadClass(String className, boolean resolve) throws ClassNotFoundException {
                if (className.equals(Client.class.getName())) {
                    synchronized (getClassLoadingLock(className)) {
                        Class<?> done = findLoadedClass(className);
                        return done != null ? done : defineClass(className, transformed, 0, transformed.length);
                    }
                }
                return super.loadClass(className, resolve);
            }
        };
        ClientHooks.install(new FakeCore());
        return loader.loadClass(Client.class.getName());
    }

    @Test
    void theConstructorAnnouncesItsArgumentBeforeItRuns() throws Exception {
        Class<?> client = transformedClient();
        Object instance = client.getConstructor(String.class).newInstance("the builder");
        assertEquals(List.of("test-key", "the builder"), announced);
        assertEquals("original:x", client.getMethod("decorate", Object.class).invoke(instance, "x"));
    }

    @Test
    void aReplacementIsReturnedInsteadOfTheOriginalBody() throws Exception {
        Class<?> client = transformedClient();
        Object instance = client.getConstructor(String.class).newInstance("b");
        replacement = "replaced";
        assertSame(replacement, client.getMethod("decorate", Object.class).invoke(instance, "x"));
    }

    @Test
    void withoutACoreTheClassBehavesAsBefore() throws Exception {
        Class<?> client = transformedClient();
        ClientHooks.install(null);
        Object instance = client.getConstructor(String.class).newInstance("b");
        assertEquals("original:y", client.getMethod("decorate", Object.class).invoke(instance, "y"));
        assertEquals(List.of(), announced);
    }

    @Test
    void aClassWithoutTheHookedMethodIsLeftAlone() throws Exception {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("java/lang/Object.class")) {
            byte[] bytes = in == null ? Object.class.getResourceAsStream("Object.class").readAllBytes() : in.readAllBytes();
            assertNull(new BridgeCallPrologue().announce("<init>", "(Lnone/Such;)V", "k", 1).transform(bytes, "java/lang/Object"));
        }
    }

    private final class FakeCore implements ClientHooks.Core {
        @Override
        public void announce(String key, Object target) {
            announced.add(key);
            announced.add(target);
        }

        @Override
        public Object replace(String key, Object owner, Object original) {
            return replacement;
        }

        @Override
        public GuardedCall begin(String library, String scheme, String host, int port, String method,
                String rawPath, boolean requestHasHeader) {
            return null;
        }

        @Override
        public CompletableFuture<GuardedCall> beginAsync(String library, String scheme, String host, int port,
                String method, String rawPath, boolean requestHasHeader) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public boolean guards(String scheme, String host, int port) {
            return false;
        }

        @Override
        public String headerName() {
            return "Authorization";
        }

        @Override
        public boolean strayToken(String scheme, String host, int port, String headerValue) {
            return false;
        }

        @Override
        public void failed(String library, Throwable failure) {}
    }
}
