package io.tokenguard.instrumentation;

import java.lang.instrument.Instrumentation;
import java.util.List;
import java.util.Set;

/**
 * An HTTP client library that lives in the application's class loaders (OkHttp, Apache HttpClient). Its
 * classes get a one-call prologue ({@link BridgeCallPrologue#announce} or {@link BridgeCallPrologue#replace})
 * where a client is assembled; the call reaches {@link LibraryHooks}, which defines this library's
 * {@linkplain #helperClasses() helper classes} in the loader that holds the library (once per loader,
 * after {@link HelperReferences} has checked that the library has every member they use) and hands the
 * announced object to the first of them.
 *
 * <p>The helpers are compiled against the oldest supported version of the library and may refer only to
 * the library, the JDK and {@code io.tokenguard.bootstrap}: they are defined outside the agent's loader.
 */
public interface LibraryInstrumentation extends ClassInstrumentation {
    /** The keys of the prologue calls this library's classes make. */
    Set<String> keys();

    /** A class of the library whose loader receives the helpers (internal name is not used: binary name). */
    String anchorClass();

    /**
     * Binary names of the helper classes, in the order they can be defined (supertypes first). The first
     * is the entry: a public class with a public no-argument constructor implementing
     * {@code Function<Object[], Object>}, called with {@code {key, target, original}}; its answer replaces
     * {@code original} for {@code replace} keys and is ignored for {@code announce} keys.
     */
    List<String> helperClasses();

    /** The library's version in this loader, for messages ("unknown" when it cannot tell). */
    String version(ClassLoader loader);

    @Override
    default void prepare(Instrumentation instrumentation) {
        // nothing to prepare: helpers are defined when the first client is assembled
    }
}
