package io.tokenguard.instrumentation.jdkhttp;

import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.tokenguard.bootstrap.JdkHttpClientBridge;
import io.tokenguard.guard.RequestGuard;
import io.tokenguard.instrumentation.AdviceWeaver;
import io.tokenguard.instrumentation.ClassInstrumentation;
import java.lang.instrument.Instrumentation;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * {@code java.net.http.HttpClient}: every client the JDK builds is a {@code HttpClientFacade}, whose
 * {@code send} and two public {@code sendAsync} methods are the whole surface. The advice hands each
 * call to {@link JdkHttpClientInterceptor} through the bootstrap bridge; a null answer runs the original.
 * Hooking the facade (not the implementation behind it) keeps the facade reachable during a retry: the
 * JDK shuts a client down once its facade is garbage.
 */
public final class JdkHttpClientInstrumentation implements ClassInstrumentation {
    private static final String FACADE = "jdk/internal/net/http/HttpClientFacade";

    private final RequestGuard guard;

    public JdkHttpClientInstrumentation(RequestGuard guard) {
        this.guard = guard;
    }

    @Override
    public String name() {
        return "jdk-http-client";
    }

    @Override
    public Set<String> targetClasses() {
        return Collections.singleton(FACADE);
    }

    @Override
    public void prepare(Instrumentation instrumentation) {
        // The facade's module must be allowed to read the bootstrap class path's unnamed module,
        // where the bridge lives; without this edge the inlined advice fails with IllegalAccessError.
        Module httpModule = ModuleLayer.boot().findModule("java.net.http").orElse(null);
        if (httpModule == null) {
            return;
        }
        instrumentation.redefineModule(httpModule, Set.of(JdkHttpClientBridge.class.getModule()),
                Map.of(), Map.of(), Set.of(), Map.of());
        JdkHttpClientBridge.install(new JdkHttpClientInterceptor(guard));
    }

    @Override
    public byte[] transform(ClassLoader loader, String internalName, byte[] classfileBuffer) {
        return new AdviceWeaver(loader, internalName, classfileBuffer)
                .advise(named("send").and(takesArguments(2)).and(isPublic()), SendAdvice.class, ReturnHandled.class)
                .advise(named("sendAsync").and(takesArguments(2)).and(isPublic()), SendAsyncAdvice.class,
                        ReturnHandled.class)
                .advise(named("sendAsync").and(takesArguments(3)).and(isPublic()), SendAsyncWithPushAdvice.class,
                        ReturnHandled.class)
                .weave();
    }

    static final class SendAdvice {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        static Object enter(@Advice.This HttpClient client, @Advice.Argument(0) HttpRequest request,
                @Advice.Argument(1) HttpResponse.BodyHandler<?> handler) throws Exception {
            return JdkHttpClientBridge.send(client, request, handler);
        }
    }

    static final class SendAsyncAdvice {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        static Object enter(@Advice.This HttpClient client, @Advice.Argument(0) HttpRequest request,
                @Advice.Argument(1) HttpResponse.BodyHandler<?> handler) {
            return JdkHttpClientBridge.sendAsync(client, request, handler, null);
        }
    }

    static final class SendAsyncWithPushAdvice {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        static Object enter(@Advice.This HttpClient client, @Advice.Argument(0) HttpRequest request,
                @Advice.Argument(1) HttpResponse.BodyHandler<?> handler,
                @Advice.Argument(2) HttpResponse.PushPromiseHandler<?> pushPromiseHandler) {
            return JdkHttpClientBridge.sendAsync(client, request, handler, pushPromiseHandler);
        }
    }

    /** When the interceptor handled the call (entry advice returned non-null), its answer is returned. */
    static final class ReturnHandled {
        @Advice.OnMethodExit
        static void exit(@Advice.Enter Object handled,
                @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object returned) {
            if (handled != null) {
                returned = handled;
            }
        }
    }
}
