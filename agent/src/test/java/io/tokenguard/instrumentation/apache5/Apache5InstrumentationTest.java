package io.tokenguard.instrumentation.apache5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tokenguard.instrumentation.FakeHooks;
import io.tokenguard.instrumentation.HelperClassesCheck;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Apache5InstrumentationTest {
    private final Apache5Instrumentation instrumentation = new Apache5Instrumentation();

    /** The prologue on the real 5.2 builders: the classes still verify, and build() announces its builder first. */
    @Test
    void everyBuilderAnnouncesItselfFromBuild() throws Exception {
        Map<String, String> keys = Map.of(
                "org.apache.hc.client5.http.impl.classic.HttpClientBuilder", Apache5Instrumentation.CLASSIC,
                "org.apache.hc.client5.http.impl.async.HttpAsyncClientBuilder", Apache5Instrumentation.ASYNC,
                "org.apache.hc.client5.http.impl.async.H2AsyncClientBuilder", Apache5Instrumentation.H2);
        try (FakeHooks hooks = new FakeHooks()) {
            for (Map.Entry<String, String> builder : keys.entrySet()) {
                String internalName = builder.getKey().replace('.', '/');
                byte[] transformed = instrumentation.transform(getClass().getClassLoader(), internalName, bytes(internalName));
                Class<?> type = HelperClassesCheck.defineWithLibrary(builder.getKey(), transformed, "org.apache.hc.");
                Object instance = type.getMethod("create").invoke(null);
                Object client = type.getMethod("build").invoke(instance);
                ((AutoCloseable) client).close();
                Object[] announced = hooks.announced.get(hooks.announced.size() - 1);
                assertEquals(builder.getValue(), announced[0]);
                assertSame(instance, announced[1]);
            }
        }
    }

    @Test
    void aClassWithoutTheExpectedBuildIsLeftAlone() {
        byte[] other = bytes("org/apache/hc/client5/http/impl/ChainElement");
        assertThrows(IllegalStateException.class, () -> instrumentation.transform(null,
                "org/apache/hc/client5/http/impl/classic/HttpClientBuilder", other));
    }

    @Test
    void theVersionComesFromTheLibrarysOwnPropertiesFile() {
        assertEquals("5.2", instrumentation.version(getClass().getClassLoader()));
        assertEquals("unknown", instrumentation.version(ClassLoader.getPlatformClassLoader()));
    }

    @Test
    void everyHelperClassIsListedAndEveryLibraryMemberTheyUseExistsIn52() throws IOException {
        HelperClassesCheck.assertComplete(instrumentation, "io/tokenguard/instrumentation/apache5/helper");
    }

    private static byte[] bytes(String internalName) {
        try (InputStream in = Apache5InstrumentationTest.class.getClassLoader().getResourceAsStream(internalName + ".class")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
