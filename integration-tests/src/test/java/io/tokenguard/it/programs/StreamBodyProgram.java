package io.tokenguard.it.programs;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * {@code StreamBodyProgram <url> <bytes>}: one POST whose body comes from an InputStream (a publisher the
 * agent cannot simply send again). Prints {@code status=S sent_sha256=H} and the response body.
 */
public final class StreamBodyProgram {
    public static void main(String[] args) throws Exception {
        int length = Integer.parseInt(args[1]);
        byte[] body = new byte[length];
        for (int i = 0; i < length; i++) {
            body[i] = (byte) ('a' + i % 26);
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(args[0])).timeout(Duration.ofSeconds(30))
                .header("Authorization", Programs.PLACEHOLDER).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build();
        HttpResponse<String> response = Programs.client().send(request, HttpResponse.BodyHandlers.ofString());
        System.out.println("status=" + response.statusCode() + " sent_sha256=" + Programs.sha256Hex(body));
        System.out.println("response=" + response.body().replace('\n', ' '));
        String echoed = new String(body, StandardCharsets.US_ASCII);
        System.out.println("echo_matches=" + response.body().contains("\"echo\":\"" + echoed + "\""));
    }
}
