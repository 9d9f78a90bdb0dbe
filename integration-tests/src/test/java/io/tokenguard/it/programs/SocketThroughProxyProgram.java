package io.tokenguard.it.programs;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * {@code SocketThroughProxyProgram <proxy port> <host> <port> <path>}: a plain {@link Socket} through an HTTP
 * proxy (the JDK tunnels it with CONNECT, using an HttpURLConnection inside), then one hand-written GET.
 * Prints {@code status_line=...}.
 */
public final class SocketThroughProxyProgram {
    public static void main(String[] args) throws Exception {
        Proxy proxy = new Proxy(Proxy.Type.HTTP, new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])));
        try (Socket socket = new Socket(proxy)) {
            socket.connect(new InetSocketAddress(args[1], Integer.parseInt(args[2])), 10_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + args[3] + " HTTP/1.1\r\nHost: " + args[1] + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int b; (b = in.read()) != -1 && b != '\r'; ) {
                line.append((char) b);
            }
            System.out.println("status_line=" + line.toString().replace(' ', '_'));
        }
    }
}
