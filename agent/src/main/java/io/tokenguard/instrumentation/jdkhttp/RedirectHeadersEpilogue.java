package io.tokenguard.instrumentation.jdkhttp;

import io.tokenguard.instrumentation.MethodRewrite;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * The JDK client follows a redirect by building the next request in a constructor of {@code HttpRequestImpl}
 * that copies the user's headers from the previous one ({@code HttpRequestImpl(URI, String, HttpRequestImpl,
 * ...)}). JDK 17 copies {@code Authorization} to any host; every JDK copies a custom header. This puts one
 * statement before each return of those constructors: {@code this.userHeaders = (HttpHeaders)
 * JdkHttpClientBridge.redirectHeaders(uri, this.userHeaders);}, which drops the token header when the new
 * URI is outside {@code hosts} and the header holds a token the agent put on. (The bridge takes and returns
 * {@code Object}: the boot loader it lives in cannot see {@code java.net.http}; the cast is done here.)
 */
final class RedirectHeadersEpilogue {
    static final String REQUEST_IMPL = "jdk/internal/net/http/HttpRequestImpl";
    private static final String REDIRECT_PREFIX = "(Ljava/net/URI;Ljava/lang/String;L" + REQUEST_IMPL + ";";
    private static final String HEADERS = "Ljava/net/http/HttpHeaders;";
    private static final String BRIDGE = "io/tokenguard/bootstrap/JdkHttpClientBridge";

    private RedirectHeadersEpilogue() {}

    /** The new bytes; throws when the class has no such constructor (the caller logs the skip). */
    static byte[] transform(byte[] classfileBuffer) {
        MethodRewrite rewrite = MethodRewrite.of(classfileBuffer,
                (name, descriptor) -> "<init>".equals(name) && descriptor.startsWith(REDIRECT_PREFIX),
                (original, changes) -> new MethodVisitor(Opcodes.ASM9, original) {
                    @Override
                    public void visitInsn(int opcode) {
                        if (opcode == Opcodes.RETURN) {
                            changes[0]++;
                            super.visitVarInsn(Opcodes.ALOAD, 0);
                            super.visitVarInsn(Opcodes.ALOAD, 1);
                            super.visitVarInsn(Opcodes.ALOAD, 0);
                            super.visitFieldInsn(Opcodes.GETFIELD, REQUEST_IMPL, "userHeaders", HEADERS);
                            super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "redirectHeaders",
                                    "(Ljava/net/URI;Ljava/lang/Object;)Ljava/lang/Object;", false);
                            super.visitTypeInsn(Opcodes.CHECKCAST, "java/net/http/HttpHeaders");
                            super.visitFieldInsn(Opcodes.PUTFIELD, REQUEST_IMPL, "userHeaders", HEADERS);
                        }
                        super.visitInsn(opcode);
                    }
                });
        if (rewrite.changes == 0) {
            throw new IllegalStateException(REQUEST_IMPL.replace('/', '.')
                    + " has no redirect constructor; a redirect out of hosts may carry a custom token header");
        }
        return rewrite.bytes;
    }
}
