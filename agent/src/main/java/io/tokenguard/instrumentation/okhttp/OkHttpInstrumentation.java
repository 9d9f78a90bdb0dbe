package io.tokenguard.instrumentation.okhttp;

import io.tokenguard.instrumentation.BridgeCallPrologue;
import io.tokenguard.instrumentation.ClassConstants;
import io.tokenguard.instrumentation.LibraryInstrumentation;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * OkHttp 3.14+, 4.x and 5.x. Every client, whether made by {@code new OkHttpClient()}, a {@code Builder} or
 * {@code newBuilder()}, passes through the constructor {@code OkHttpClient(Builder)}; a prologue there
 * announces the builder, and {@code helper.OkHttpGuard} puts itself last among its application interceptors
 * (after the program's own, so it sees the header they set). Both {@code execute()} and {@code enqueue()}
 * run application interceptors, so both are covered.
 */
public final class OkHttpInstrumentation implements LibraryInstrumentation {
    static final String KEY = "okhttp";
    private static final String CLIENT = "okhttp3/OkHttpClient";
    private static final String CONSTRUCTOR = "(Lokhttp3/OkHttpClient$Builder;)V";
    /** 4.x and 5.x: {@code OkHttp.VERSION}; 3.x: the user agent {@code okhttp/3.14.9}. Compiled when needed. */
    private static final String VERSION = "(?:okhttp/)?(\\d+\\.\\d+\\.\\d+\\S*)";

    @Override
    public String name() {
        return "okhttp";
    }

    @Override
    public Set<String> targetClasses() {
        return Set.of(CLIENT);
    }

    @Override
    public Set<String> keys() {
        return Set.of(KEY);
    }

    @Override
    public String anchorClass() {
        return "okhttp3.OkHttpClient";
    }

    @Override
    public List<String> helperClasses() {
        // By name: the helper must never be loaded in the agent's own loader, which cannot see OkHttp.
        return List.of("io.tokenguard.instrumentation.okhttp.helper.OkHttpGuard");
    }

    @Override
    public String version(ClassLoader loader) {
        Pattern pattern = Pattern.compile(VERSION);
        String version = ClassConstants.find(loader, "okhttp3/OkHttp", pattern);
        if (version == null) {
            version = ClassConstants.find(loader, "okhttp3/internal/Version", pattern);
        }
        return version != null ? version : "unknown";
    }

    @Override
    public byte[] transform(ClassLoader loader, String internalName, byte[] classfileBuffer) {
        byte[] transformed = new BridgeCallPrologue().announce("<init>", CONSTRUCTOR, KEY, 1)
                .transform(classfileBuffer, CLIENT);
        if (transformed == null) {
            throw new IllegalStateException("okhttp " + version(loader)
                    + ": okhttp3.OkHttpClient has no constructor OkHttpClient(OkHttpClient.Builder)");
        }
        return transformed;
    }
}
