package io.tokenguard.instrumentation.urlconnection;

import io.tokenguard.instrumentation.MethodRewrite;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * When the JDK's {@code HttpURLConnection} follows a redirect to another host or port
 * ({@code followRedirect0}), it drops {@code Authorization}, {@code Cookie} and {@code Cookie2}, and keeps
 * every other header. Right after its {@code requests.remove("Authorization")} this adds
 * {@code requests.remove(UrlConnectionBridge.headerToDropOnRedirect(requests.findValue(name), url))}: a
 * custom token header goes too when it holds a token the agent put on and the new URL is not guarded.
 */
final class RedirectHeaderDrop {
    static final String CONNECTION = "sun/net/www/protocol/http/HttpURLConnection";
    private static final String MESSAGE_HEADER = "sun/net/www/MessageHeader";
    private static final String BRIDGE = "io/tokenguard/bootstrap/UrlConnectionBridge";
    private static final String STRING = "Ljava/lang/String;";
    private static final String REMOVE = "(" + STRING + ")V";

    private RedirectHeaderDrop() {}

    /** The new bytes; throws when {@code followRedirect0} does not look as expected (the caller logs the skip). */
    static byte[] transform(byte[] classfileBuffer) {
        MethodRewrite rewrite = MethodRewrite.of(classfileBuffer, (name, descriptor) -> "followRedirect0".equals(name),
                (original, changes) -> new MethodVisitor(Opcodes.ASM9, original) {
                    private Object lastConstant;

                    @Override
                    public void visitLdcInsn(Object value) {
                        lastConstant = value;
                        super.visitLdcInsn(value);
                    }

                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method, String descriptor,
                            boolean isInterface) {
                        super.visitMethodInsn(opcode, owner, method, descriptor, isInterface);
                        if (opcode == Opcodes.INVOKEVIRTUAL && MESSAGE_HEADER.equals(owner) && "remove".equals(method)
                                && REMOVE.equals(descriptor) && "Authorization".equals(lastConstant)) {
                            changes[0]++;
                            dropTokenHeader();
                        }
                        lastConstant = null;
                    }

                    private void dropTokenHeader() {
                        super.visitVarInsn(Opcodes.ALOAD, 0);
                        super.visitFieldInsn(Opcodes.GETFIELD, CONNECTION, "requests", "L" + MESSAGE_HEADER + ";");
                        super.visitInsn(Opcodes.DUP);
                        super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "tokenHeaderName", "()" + STRING, false);
                        super.visitMethodInsn(Opcodes.INVOKEVIRTUAL, MESSAGE_HEADER, "findValue",
                                "(" + STRING + ")" + STRING, false);
                        super.visitVarInsn(Opcodes.ALOAD, 0);
                        super.visitFieldInsn(Opcodes.GETFIELD, CONNECTION, "url", "Ljava/net/URL;");
                        super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "headerToDropOnRedirect",
                                "(" + STRING + "Ljava/net/URL;)" + STRING, false);
                        super.visitMethodInsn(Opcodes.INVOKEVIRTUAL, MESSAGE_HEADER, "remove", REMOVE, false);
                    }
                });
        if (rewrite.changes != 1) {
            throw new IllegalStateException(CONNECTION.replace('/', '.') + ".followRedirect0 drops Authorization "
                    + rewrite.changes + " times instead of once; a redirect out of hosts may carry a custom token header");
        }
        return rewrite.bytes;
    }
}
