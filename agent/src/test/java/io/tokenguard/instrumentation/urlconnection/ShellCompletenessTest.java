package io.tokenguard.instrumentation.urlconnection;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.net.ssl.HttpsURLConnection;
import org.junit.jupiter.api.Test;

/**
 * Every public instance method of the JDK type a shell stands in for is overridden by the shell, on the JDK
 * that runs this test. A method the shell merely inherited would read the shell's own, never-connected
 * fields instead of the real connection's, so a method added by a newer JDK shows up here first.
 */
class ShellCompletenessTest {
    /** Inherited on purpose: they read and write state shared by all connections, as in the JDK. */
    private static final Set<String> SHARED_STATE = Set.of("getDefaultUseCaches", "setDefaultUseCaches");
    /** Identity is the shell's own, as for any other object. */
    private static final Set<String> IDENTITY = Set.of("equals", "hashCode", "getClass", "notify", "notifyAll", "wait");

    @Test
    void theHttpShellOverridesEveryPublicMethod() {
        assertEquals(List.of(), notOverridden(HttpURLConnection.class, GuardedHttpURLConnection.class));
    }

    @Test
    void theHttpsShellOverridesEveryPublicMethod() {
        assertEquals(List.of(), notOverridden(HttpsURLConnection.class, GuardedHttpsURLConnection.class));
    }

    private static List<String> notOverridden(Class<?> jdkType, Class<?> shell) {
        List<String> missing = new ArrayList<>();
        for (Method method : jdkType.getMethods()) {
            if (Modifier.isStatic(method.getModifiers()) || SHARED_STATE.contains(method.getName())
                    || IDENTITY.contains(method.getName())) {
                continue;
            }
            try {
                if (shell.getMethod(method.getName(), method.getParameterTypes()).getDeclaringClass() != shell) {
                    missing.add(method.toString());
                }
            } catch (NoSuchMethodException e) {
                throw new AssertionError(e);
            }
        }
        return missing;
    }
}
